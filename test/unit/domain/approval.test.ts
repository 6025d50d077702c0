import { loadPolicy } from '../../../config/policyFile';
import { approvalRequirements, approverIdsOf, eligibleApprovers, evaluateApprovals, pendingApprovers, unfillableGroups, type ApprovalPlan } from '../../../domain/approval';
import type { Policy } from '../../../domain/policy';

const base = loadPolicy(undefined).policy;
const withApproval = (approval: Partial<Policy['approval']>): Policy => ({ ...base, approval: { ...base.approval, ...approval } });

function plan(overrides: Partial<ApprovalPlan> = {}): ApprovalPlan {
  return {
    requesterId: 'U0REQ',
    groups: [{ role: 'approvers', ids: ['S0PLATFORM'], members: ['U0ANA', 'U0BEN'], mandatory: true }],
    escalation: { ids: ['U0ADMIN'], members: ['U0ADMIN'] },
    required: 1,
    sensitiveScopes: [],
    reminderEverySeconds: 14_400,
    escalateAfterSeconds: 86_400,
    timeoutSeconds: 259_200,
    channelId: null,
    unreadableGroups: [],
    ...overrides,
  };
}

const sensitivePlan = plan({
  groups: [
    { role: 'approvers', ids: ['S0PLATFORM'], members: ['U0ANA', 'U0BEN'], mandatory: true },
    { role: 'sensitive', ids: ['S0SECURITY'], members: ['U0SEC', 'U0ANA'], mandatory: true },
  ],
});

describe('approvalRequirements', () => {
  it('asks the approvers, with the policy timers', () => {
    expect(approvalRequirements(base, { requesterId: 'U0REQ', scopes: ['read'] })).toEqual({
      groups: [{ role: 'approvers', ids: ['S0PLATFORM'], mandatory: true }],
      required: 1,
      escalateTo: ['U0ADMIN'],
      sensitiveScopes: [],
      reminderEverySeconds: 4 * 3600,
      escalateAfterSeconds: 24 * 3600,
      timeoutSeconds: 72 * 3600,
      channelId: null,
    });
  });

  it('adds the sensitive approvers for a sensitive scope', () => {
    const requirements = approvalRequirements(base, { requesterId: 'U0REQ', scopes: ['read', 'billing:read'] });
    expect(requirements.groups.map((g) => [g.role, g.mandatory])).toEqual([['approvers', true], ['sensitive', true]]);
    expect(requirements.sensitiveScopes).toEqual(['billing:read']);
    expect(approverIdsOf(requirements)).toEqual(['S0PLATFORM', 'S0SECURITY', 'U0ADMIN']);
  });

  it('lets a manager decide instead of the approvers; with two required, an approver may give the second', () => {
    const one = approvalRequirements(withApproval({ managers: { U0REQ: 'U0MGR' } }), { requesterId: 'U0REQ', scopes: ['read'] });
    expect(one.groups).toEqual([{ role: 'manager', ids: ['U0MGR'], mandatory: true }]);
    const two = approvalRequirements(withApproval({ managers: { U0REQ: 'U0MGR' }, required: 2 }), { requesterId: 'U0REQ', scopes: ['read'] });
    expect(two.groups).toEqual([{ role: 'manager', ids: ['U0MGR'], mandatory: true }, { role: 'approvers', ids: ['S0PLATFORM'], mandatory: false }]);
    // Someone without a manager is decided by the approvers as usual.
    expect(approvalRequirements(withApproval({ managers: { U0REQ: 'U0MGR' } }), { requesterId: 'U0OTHER', scopes: ['read'] }).groups[0]?.role).toBe('approvers');
  });
});

describe('evaluateApprovals', () => {
  it('completes with one approval from the group', () => {
    expect(evaluateApprovals(plan(), [], false)).toEqual({ complete: false, approvals: 0, required: 1, missingRoles: ['approvers'] });
    expect(evaluateApprovals(plan(), ['U0BEN'], false)).toEqual({ complete: true, approvals: 1, required: 1, missingRoles: [] });
  });

  it('counts distinct people when two are required', () => {
    const two = plan({ required: 2 });
    expect(evaluateApprovals(two, ['U0ANA', 'U0ANA'], false)).toMatchObject({ complete: false, approvals: 1 });
    expect(evaluateApprovals(two, ['U0ANA', 'U0BEN'], false)).toMatchObject({ complete: true, approvals: 2 });
  });

  it('needs the sensitive group as well; one person in both groups covers both', () => {
    expect(evaluateApprovals(sensitivePlan, ['U0BEN'], false)).toMatchObject({ complete: false, missingRoles: ['sensitive'] });
    expect(evaluateApprovals(sensitivePlan, ['U0BEN', 'U0SEC'], false)).toMatchObject({ complete: true });
    expect(evaluateApprovals(sensitivePlan, ['U0ANA'], false)).toMatchObject({ complete: true });
  });

  it('lets the escalation group stand in for the ordinary approvers only after the escalation', () => {
    expect(evaluateApprovals(plan(), ['U0ADMIN'], false)).toMatchObject({ complete: false, missingRoles: ['approvers'] });
    expect(evaluateApprovals(plan(), ['U0ADMIN'], true)).toMatchObject({ complete: true });
  });

  it('never lets the escalation group stand in for the sensitive approvers', () => {
    expect(evaluateApprovals(sensitivePlan, ['U0BEN', 'U0ADMIN'], true)).toMatchObject({ complete: false, missingRoles: ['sensitive'] });
    expect(evaluateApprovals(sensitivePlan, ['U0ADMIN'], true)).toMatchObject({ complete: false, missingRoles: ['sensitive'] });
    expect(evaluateApprovals(sensitivePlan, ['U0ADMIN', 'U0SEC'], true)).toMatchObject({ complete: true });
    // Runs planned before the rule keep the old one, so their histories replay as they ran.
    expect(evaluateApprovals(sensitivePlan, ['U0BEN', 'U0ADMIN'], true, 'legacy')).toMatchObject({ complete: true });
  });
});

describe('who may decide, and who is reminded', () => {
  it('never includes the requester, even when a group lists them', () => {
    const listed = plan({ groups: [{ role: 'approvers', ids: ['S0PLATFORM'], members: ['U0ANA', 'U0REQ'], mandatory: true }] });
    expect(eligibleApprovers(listed, true)).toEqual(['U0ANA', 'U0ADMIN']);
    expect(evaluateApprovals(listed, [], false).complete).toBe(false);
  });

  it('reminds those whose yes would still move the request', () => {
    expect(pendingApprovers(plan(), [], false)).toEqual(['U0ANA', 'U0BEN']);
    expect(pendingApprovers(sensitivePlan, ['U0BEN'], false)).toEqual(['U0SEC', 'U0ANA']);
    // Only the sensitive group is missing: the escalation group's yes would not help, so it is not nagged.
    expect(pendingApprovers(sensitivePlan, ['U0BEN'], true)).toEqual(['U0SEC', 'U0ANA']);
    expect(pendingApprovers(sensitivePlan, [], true)).toEqual(['U0ANA', 'U0BEN', 'U0SEC', 'U0ADMIN']);
    expect(pendingApprovers(plan({ required: 2 }), ['U0ANA'], false)).toEqual(['U0BEN']);
    expect(pendingApprovers(plan(), ['U0ANA'], false)).toEqual([]);
  });
});

describe('groups nobody could approve for', () => {
  const group = (role: 'approvers' | 'sensitive', members: string[], unreadable: string[] = []) => ({ role, ids: [`S0${role.toUpperCase()}`], members, unreadable, mandatory: true });

  it('names a mandatory group Slack cannot list, or one with nobody but the requester in it', () => {
    expect(unfillableGroups('U0REQ', [group('approvers', ['U0ANA']), group('sensitive', [], ['S0SENSITIVE'])])).toEqual([{ role: 'sensitive', ids: ['S0SENSITIVE'], why: 'unreadable' }]);
    expect(unfillableGroups('U0REQ', [group('approvers', ['U0REQ']), group('sensitive', [])])).toEqual([
      { role: 'approvers', ids: ['S0APPROVERS'], why: 'empty' },
      { role: 'sensitive', ids: ['S0SENSITIVE'], why: 'empty' },
    ]);
  });

  it('passes groups someone else can approve for, and optional groups', () => {
    expect(unfillableGroups('U0REQ', [group('approvers', ['U0REQ', 'U0ANA']), { ...group('sensitive', []), mandatory: false }])).toEqual([]);
  });
});
