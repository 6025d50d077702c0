/**
 * The pieces every approval message shares: what was asked for, who decides, and how it ended.
 * Pure text and blocks; approver, requester and list messages compose them.
 */
import type { KnownBlock } from '@slack/types';
import { evaluateApprovals, type ApprovalPlan, type ApprovalRequirements, type ApprovalSnapshot } from '../../domain/approval';
import type { Policy } from '../../domain/policy';
import { formatDuration } from '../../domain/duration';
import { escapeMrkdwn, lifetimeText, mention, mentionList, scopeList, slackDate, truncate } from './format';

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

/** A key request as approvers see it. */
export interface ApprovalCard {
  requestId: string;
  requesterId: string;
  name: string;
  environment: string;
  scopes: string[];
  sensitiveScopes: string[];
  lifetimeSeconds: number;
  reason: string | null;
  requestedAt: Date;
}

export interface Decision {
  approverId: string;
  at: Date;
}

/** Where a request stands; `pending` carries the approvals so far and what is still missing. */
export type ApprovalState =
  | { kind: 'pending'; approvals: Decision[]; stillNeeded: string | null }
  | { kind: 'approved'; approvals: Decision[] }
  | { kind: 'denied'; by: Decision; reason: string }
  | { kind: 'cancelled'; at: Date }
  | { kind: 'timed_out'; at: Date; timeoutSeconds: number };

type Who = Pick<ApprovalRequirements, 'groups' | 'required' | 'sensitiveScopes'>;

/** "one of @platform, and one of @security (for 🔒 billing:read)". */
export function whoDecides(who: Who): string {
  const sensitive = who.groups.some((g) => g.role === 'sensitive');
  const parts = who.groups
    .filter((g) => g.mandatory)
    .map((g) => {
      if (g.role === 'manager') return `${mentionList(g.ids)} (manager)`;
      if (g.role === 'sensitive') return `one of ${mentionList(g.ids)} (for ${scopeList(who.sensitiveScopes, new Set(who.sensitiveScopes))})`;
      return `${who.required === 2 && !sensitive ? 'two' : 'one'} of ${mentionList(g.ids)}`;
    });
  const optional = who.groups.find((g) => !g.mandatory);
  if (optional) parts.push(`one more of ${mentionList(optional.ids)}`);
  const text = parts.join(', and ');
  return who.required === 2 && (sensitive || optional) ? `${text}: two different people` : text;
}

/** What a role is still missing, for "still needed: …". */
export function missingText(who: Who, missingRoles: readonly string[], approvals: number): string | null {
  const missing = who.groups.filter((g) => missingRoles.includes(g.role)).map((g) => (g.role === 'manager' ? `${mentionList(g.ids)} (manager)` : `one of ${mentionList(g.ids)}`));
  if (missing.length === 0 && approvals < who.required) missing.push(`${who.required - approvals} more approval`);
  return missing.length > 0 ? missing.join(' and ') : null;
}

export function cardFields(card: ApprovalCard): KnownBlock {
  return {
    type: 'section',
    fields: [
      { type: 'mrkdwn', text: `*Requested by*\n${mention(card.requesterId)}` },
      { type: 'mrkdwn', text: `*Environment*\n${card.environment}` },
      { type: 'mrkdwn', text: `*Scopes*\n${scopeList(card.scopes, new Set(card.sensitiveScopes))}` },
      { type: 'mrkdwn', text: `*Expires in*\n${lifetimeText(card.lifetimeSeconds)} after it is revealed` },
    ],
  };
}

export function reasonBlock(reason: string | null): KnownBlock {
  const text = reason ? `*Reason*\n>${truncate(escapeMrkdwn(reason), 2500).replace(/\n/g, '\n>')}` : '*Reason*\n_none given_';
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

const people = (decisions: Decision[]): string => decisions.map((d) => mention(d.approverId)).join(' and ');

/** One line for where the request stands, e.g. "✅ Approved by @ana · Nov 29 10:02". */
export function stateLine(state: ApprovalState): string {
  switch (state.kind) {
    case 'pending':
      if (state.approvals.length === 0) return ':hourglass_flowing_sand: Waiting for a decision.';
      return `:hourglass_flowing_sand: Approved by ${people(state.approvals)}${state.stillNeeded ? `; still needed: ${state.stillNeeded}` : ''}.`;
    case 'approved':
      return `:white_check_mark: *Approved* by ${people(state.approvals)} · ${slackDate(state.approvals[state.approvals.length - 1]?.at ?? new Date(0))}`;
    case 'denied':
      return `:no_entry: *Denied* by ${mention(state.by.approverId)} · ${slackDate(state.by.at)}\n>${truncate(escapeMrkdwn(state.reason), 2500).replace(/\n/g, '\n>')}`;
    case 'cancelled':
      return `:no_entry_sign: *Cancelled* by the requester · ${slackDate(state.at)}`;
    case 'timed_out':
      return `:hourglass: *Expired*: nobody decided within ${formatDuration(state.timeoutSeconds)} · ${slackDate(state.at)}`;
  }
}

export function cardTitle(card: ApprovalCard): string {
  return `${mention(card.requesterId)} asks for a *${card.environment}* key: *${escapeMrkdwn(truncate(card.name, 64))}*`;
}

export function plainSummary(card: ApprovalCard): string {
  return `"${escapeMrkdwn(card.name)}" (${card.environment}; ${card.scopes.join(', ')})`;
}

export function requestedLine(card: ApprovalCard): string {
  return `Requested ${slackDate(card.requestedAt)}`;
}

/** A stored request as a card; sensitive scopes are marked under the current policy. */
export function approvalCardOf(request: { id: string; requesterId: string; name: string; environment: string; scopes: string[]; lifetimeSeconds: number; reason: string | null; createdAt: Date }, policy: Policy): ApprovalCard {
  const sensitive = new Set(policy.scopes.filter((s) => s.sensitive).map((s) => s.name));
  return {
    requestId: request.id,
    requesterId: request.requesterId,
    name: request.name,
    environment: request.environment,
    scopes: request.scopes,
    sensitiveScopes: request.scopes.filter((s) => sensitive.has(s)),
    lifetimeSeconds: request.lifetimeSeconds,
    reason: request.reason,
    requestedAt: request.createdAt,
  };
}

/** The workflow's snapshot, in the terms messages use. */
export function approvalStateOf(plan: ApprovalPlan, snapshot: ApprovalSnapshot): ApprovalState {
  const approvals = snapshot.approvals.map((a) => ({ approverId: a.approverId, at: new Date(a.at) }));
  const at = new Date(snapshot.finishedAt ?? 0);
  switch (snapshot.status) {
    case 'approved':
      return { kind: 'approved', approvals };
    case 'denied': {
      // The deny handler sets both together; a denial without one cannot be shown truthfully.
      if (!snapshot.denial) throw new Error('a denied approval without its denial');
      return { kind: 'denied', by: { approverId: snapshot.denial.approverId, at: new Date(snapshot.denial.at) }, reason: snapshot.denial.reason };
    }
    case 'cancelled':
      return { kind: 'cancelled', at };
    case 'timed_out':
      return { kind: 'timed_out', at, timeoutSeconds: plan.timeoutSeconds };
    default: {
      const progress = evaluateApprovals(plan, snapshot.approvals.map((a) => a.approverId), snapshot.escalated);
      return { kind: 'pending', approvals, stillNeeded: missingText(plan, progress.missingRoles, progress.approvals) };
    }
  }
}
