/**
 * The approvers a new request would need, checked before it is accepted: a mandatory group that
 * Slack cannot list, or that has nobody in it but the requester, would leave the request waiting
 * for days on nobody (escalation never stands in for the sensitive approvers). The requester is
 * told at submit which group it is and what an admin must fix.
 */
import { approvalRequirements, unfillableGroups, type ApproverRole, type UnfillableGroup } from '../../domain/approval';
import type { Policy } from '../../domain/policy';
import type { RoleResolver } from '../access/roles';
import { NewKeyBlocks } from '../ids';
import type { FormErrors, NewKeyForm } from './newKeyForm';

const POLICY_FIELD: Record<ApproverRole, string> = {
  manager: 'approval.managers',
  approvers: 'approval.approvers',
  sensitive: 'approval.sensitiveApprovers',
};

/** The sensitive approvers belong to the scopes asked for; the others to the environment. */
const BLOCK_OF: Record<ApproverRole, string> = { manager: NewKeyBlocks.environment, approvers: NewKeyBlocks.environment, sensitive: NewKeyBlocks.scopes };

export function describeUnfillableGroup(group: UnfillableGroup): string {
  const field = POLICY_FIELD[group.role];
  if (group.why === 'unreadable') {
    return `Nobody can approve this request: keyops cannot read the Slack user group ${group.ids.join(', ')} (the policy's ${field}). An admin must give the keyops app the usergroups:read scope, or fix the group id in the policy.`;
  }
  return `Nobody can approve this request: nobody but you is in the policy's ${field} (${group.ids.join(', ') || 'empty'}). An admin must add approvers there.`;
}

export async function checkApproverGroups(input: { roles: RoleResolver; policy: Policy; form: NewKeyForm; userId: string }): Promise<FormErrors> {
  if (!input.form.needsApproval) return {};
  const requirements = approvalRequirements(input.policy, { requesterId: input.userId, scopes: input.form.scopes });
  const groups = [];
  for (const group of requirements.groups) {
    const resolved = await input.roles.resolve(group.ids);
    groups.push({ ...group, members: resolved.users, unreadable: resolved.unreadable });
  }
  const errors: FormErrors = {};
  for (const group of unfillableGroups(input.userId, groups)) errors[BLOCK_OF[group.role]] ??= describeUnfillableGroup(group);
  return errors;
}
