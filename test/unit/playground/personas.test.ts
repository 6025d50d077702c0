import { loadPolicy } from '../../../config/policyFile';
import type { Policy } from '../../../domain/policy';
import { castFromPolicy } from '../../../playground/personas';

const shipped = loadPolicy(undefined).policy;

describe('the playground cast', () => {
  it('gives every role of the shipped policy a person, and says its ids are placeholders', () => {
    const cast = castFromPolicy(shipped);
    const roles = cast.personas.flatMap((p) => p.roles);
    expect(roles).toEqual(expect.arrayContaining(['admin', 'on-call (S0ONCALL)', 'approver (S0PLATFORM)', 'sensitive approver (S0SECURITY)', 'developer']));
    expect(cast.placeholders).toBe(true);
    // The groups keyops reads through usergroups.users.list get the made-up members.
    expect(cast.usergroups.S0ONCALL).toEqual([cast.personas.find((p) => p.roles.includes('on-call (S0ONCALL)'))?.id]);
    expect(new Set(cast.personas.map((p) => p.id)).size).toBe(cast.personas.length);
    expect(cast.personas.filter((p) => p.roles.length === 1 && p.roles[0] === 'developer')).toHaveLength(2);
  });

  it('keeps a real workspace\'s ids, not calling them placeholders', () => {
    const policy: Policy = { ...shipped, roles: { ...shipped.roles, admins: ['U04ABC123'], oncall: ['S07XYZ9'] }, approval: { ...shipped.approval, approvers: ['U05DEF456'], sensitiveApprovers: ['U05DEF456'], escalateTo: [] } };
    const cast = castFromPolicy(policy);
    expect(cast.placeholders).toBe(false);
    expect(cast.personas.find((p) => p.id === 'U05DEF456')?.roles).toEqual(['approver', 'sensitive approver']);
    expect(cast.usergroups.S07XYZ9).toHaveLength(1);
  });
});
