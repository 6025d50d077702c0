/**
 * The people a playground visitor can act as, taken from the policy's roles.
 *
 * The playground has no workspace to read names or group members from, so it makes people up:
 * every user id the policy names becomes a persona, every user group gets one made-up member, and
 * two developers are added so a request can be approved by someone else. Placeholder ids (the
 * shipped example's `U0ADMIN`, `S0ONCALL`) are said to be placeholders on screen.
 */
import type { Policy } from '../domain/policy';

export interface Persona {
  id: string;
  name: string;
  /** What the policy makes this person, in words: "admin", "on-call (S0ONCALL)", "developer". */
  roles: string[];
}

export interface Cast {
  personas: Persona[];
  /** User group id → its made-up members, for the stand-in's `usergroups.users.list`. */
  usergroups: Record<string, string[]>;
  /** True when the policy's ids look like the example's placeholders rather than a real workspace's. */
  placeholders: boolean;
}

/** `U0ADMIN`, `S0ONCALL`: a zero then letters only. Real Slack ids mix digits in. */
const PLACEHOLDER = /^[USW]0[A-Z]+$/;
const NAMES = ['Ada', 'Omar', 'Priya', 'Sam', 'Lin', 'Grace', 'Tomás', 'Noor', 'Kenji', 'Zoe'];
const DEVELOPERS = [{ id: 'U0DEMODEV1', name: 'Dana' }, { id: 'U0DEMODEV2', name: 'Lee' }];

interface RoleSource { ids: readonly string[]; role: string }

function roleSources(policy: Policy): RoleSource[] {
  const developers = (policy.roles as { developers?: readonly string[] }).developers ?? [];
  return [
    { ids: policy.roles.admins, role: 'admin' },
    { ids: policy.roles.oncall, role: 'on-call' },
    { ids: policy.approval.approvers, role: 'approver' },
    { ids: policy.approval.sensitiveApprovers, role: 'sensitive approver' },
    { ids: policy.approval.escalateTo, role: 'escalation' },
    { ids: policy.roles.viewers, role: 'viewer' },
    { ids: developers, role: 'developer' },
  ];
}

/** The persona id made up for a group's member: `S0ONCALL` → `U0ONCALL1`, `S04AB` → `U04AB1`. */
const memberIdFor = (groupId: string): string => `U${groupId.slice(1)}1`;

export function castFromPolicy(policy: Policy): Cast {
  const byId = new Map<string, Persona>();
  const usergroups: Record<string, string[]> = {};
  let named = 0;
  const personaFor = (id: string): Persona => {
    const existing = byId.get(id);
    if (existing) return existing;
    const created: Persona = { id, name: NAMES[named++ % NAMES.length] ?? id, roles: [] };
    byId.set(id, created);
    return created;
  };
  const sources = roleSources(policy);
  for (const { ids, role } of sources) {
    for (const id of ids) {
      const isGroup = id.startsWith('S');
      const persona = personaFor(isGroup ? memberIdFor(id) : id);
      if (isGroup) usergroups[id] = [persona.id];
      persona.roles.push(isGroup ? `${role} (${id})` : role);
    }
  }
  // With `roles.developers` set only those people may request keys; made-up ones would be refused.
  const developersListed = sources.some((s) => s.role === 'developer' && s.ids.length > 0);
  if (!developersListed) for (const dev of DEVELOPERS) byId.set(dev.id, { ...dev, roles: ['developer'] });
  const listed = sources.flatMap((s) => s.ids);
  return { personas: [...byId.values()], usergroups, placeholders: listed.length > 0 && listed.every((id) => PLACEHOLDER.test(id)) };
}
