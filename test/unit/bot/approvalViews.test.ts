import type { KnownBlock } from '@slack/types';
import { parseDenyForm } from '../../../bot/forms/denyForm';
import { approvalActionId, approvalActionPattern, CallbackIds, DenyBlocks } from '../../../bot/ids';
import type { ApprovalCard, ApprovalState } from '../../../bot/views/approvalCard';
import { buildApprovalReminder, buildApprovalRequest, buildChannelNudge } from '../../../bot/views/approvalMessages';
import { buildApprovalsList } from '../../../bot/views/approvalsList';
import { buildDenyModal } from '../../../bot/views/denyModal';
import { buildRequesterOutcome, buildRequesterStatus } from '../../../bot/views/requesterMessages';
import { validateMessage, validateView } from '../../../playground/slack';

const card: ApprovalCard = {
  requestId: 'kr_V0ABCDEFGH',
  requesterId: 'U0REQ',
  name: 'Payments <prod> & co',
  environment: 'production',
  scopes: ['read', 'billing:read'],
  sensitiveScopes: ['billing:read'],
  lifetimeSeconds: 90 * 86400,
  reason: 'Launch on Monday\n& the <b>rollout</b>',
  requestedAt: new Date('2026-11-29T10:00:00Z'),
};
const who = {
  groups: [
    { role: 'approvers' as const, ids: ['S0PLATFORM'], mandatory: true },
    { role: 'sensitive' as const, ids: ['S0SECURITY'], mandatory: true },
  ],
  required: 1 as const,
  sensitiveScopes: ['billing:read'],
};
const at = new Date('2026-11-29T11:00:00Z');
const pending: ApprovalState = { kind: 'pending', approvals: [], stillNeeded: null };
const timers = { reminderEverySeconds: 4 * 3600, escalateAfterSeconds: 24 * 3600, escalateTo: ['U0ADMIN'], timeoutSeconds: 72 * 3600 };

const text = (m: { text: string; blocks: KnownBlock[] }): string => `${m.text}\n${JSON.stringify(m.blocks)}`;
const buttons = (blocks: KnownBlock[]) => blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])) as Array<{ action_id: string; text: { text: string }; value: string }>;

describe('approver messages', () => {
  it('show the request, marks sensitive scopes, escapes user text, and carry Approve and Deny', () => {
    const message = buildApprovalRequest({ card, who, state: pending });
    expect(validateMessage({ ...message })).toBeNull();
    const shown = text(message);
    for (const expected of ['<@U0REQ>', 'production', '`billing:read` :lock:', '90d', 'Payments &lt;prod&gt; &amp; co', '&lt;b&gt;rollout', '<!subteam^S0PLATFORM>', '<!subteam^S0SECURITY>']) expect(shown).toContain(expected);
    expect(buttons(message.blocks).map((b) => [b.text.text, b.value])).toEqual([['Approve', card.requestId], ['Deny', card.requestId]]);
    expect(buttons(message.blocks).map((b) => b.action_id)).toEqual([approvalActionId('approveRequest', card.requestId), approvalActionId('denyRequest', card.requestId)]);
    expect(approvalActionPattern('approveRequest').test(buttons(message.blocks)[0]?.action_id ?? '')).toBe(true);
    expect(approvalActionPattern('denyRequest').test(buttons(message.blocks)[0]?.action_id ?? '')).toBe(false);
  });

  it('keep the buttons while more approvals are needed, and say who approved', () => {
    const message = buildApprovalRequest({ card, who, state: { kind: 'pending', approvals: [{ approverId: 'U0ANA', at }], stillNeeded: 'one of <!subteam^S0SECURITY>' } });
    expect(text(message)).toContain('Approved by <@U0ANA>; still needed: one of <!subteam^S0SECURITY>');
    expect(buttons(message.blocks)).toHaveLength(2);
  });

  it.each<[string, ApprovalState, string[]]>([
    ['approved', { kind: 'approved', approvals: [{ approverId: 'U0ANA', at }, { approverId: 'U0SEC', at }] }, ['*Approved* by <@U0ANA> and <@U0SEC>', '<!date^']],
    ['denied', { kind: 'denied', by: { approverId: 'U0BEN', at }, reason: 'Not <now>' }, ['*Denied* by <@U0BEN>', 'Not &lt;now&gt;']],
    ['cancelled', { kind: 'cancelled', at }, ['*Cancelled* by the requester']],
    ['timed out', { kind: 'timed_out', at, timeoutSeconds: 72 * 3600 }, ['*Expired*: nobody decided within 3d']],
  ])('once %s, show the outcome, who and when, without buttons', (_name, state, expected) => {
    const message = buildApprovalRequest({ card, who, state });
    expect(validateMessage({ ...message })).toBeNull();
    expect(buttons(message.blocks)).toEqual([]);
    for (const e of expected) expect(text(message)).toContain(e);
  });

  it('nudge without buttons: DM reminders point at the request, channel ones mention the people', () => {
    const reminder = buildApprovalReminder({ card, waitedSeconds: 8 * 3600 });
    expect(validateMessage({ ...reminder })).toBeNull();
    expect(reminder.text).toContain('has waited 8h for your decision');
    expect(buttons(reminder.blocks)).toEqual([]);
    const nudge = buildChannelNudge({ kind: 'escalation', userIds: ['U0ADMIN'], waitedSeconds: 86400 });
    expect(nudge.text).toContain('Escalated to <@U0ADMIN>');
  });
});

describe('requester messages', () => {
  it('say who decides and when it escalates and expires, with Cancel (confirmed) while pending', () => {
    const status = buildRequesterStatus({ card, who, state: pending, timers });
    expect(validateMessage({ ...status })).toBeNull();
    for (const e of ['needs approval', 'one of <!subteam^S0PLATFORM>, and one of <!subteam^S0SECURITY>', 'every 4h', '<@U0ADMIN> will be asked too', 'expires after 3d']) expect(text(status)).toContain(e);
    const [cancel] = buttons(status.blocks) as Array<{ text: { text: string }; confirm?: unknown }>;
    expect(cancel?.text.text).toBe('Cancel request');
    expect(cancel?.confirm).toBeDefined();
  });

  it('lose the Cancel button once decided; a denial notice carries the reason', () => {
    const denied: ApprovalState = { kind: 'denied', by: { approverId: 'U0BEN', at }, reason: 'Use staging' };
    expect(buttons(buildRequesterStatus({ card, who, state: denied, timers }).blocks)).toEqual([]);
    const notice = buildRequesterOutcome({ card, state: denied });
    expect(validateMessage({ ...notice })).toBeNull();
    expect(notice.text).toContain('was denied');
    expect(notice.text).toContain('Use staging');
    expect(buildRequesterOutcome({ card, state: { kind: 'timed_out', at, timeoutSeconds: 3600 } }).text).toContain('/apikey new');
  });
});

describe('/apikey approvals list', () => {
  it('stays within Slack\'s 50 blocks however many requests wait, with unique ids', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ card: { ...card, requestId: `kr_V${i}` }, status: 'waiting for a decision' }));
    const list = buildApprovalsList({ waiting: many, mine: many });
    expect(list.blocks.length).toBeLessThanOrEqual(50);
    expect(validateMessage({ ...list })).toBeNull();
    expect(text(list)).toContain('…and 20 more.');
    expect(buttons(list.blocks).filter((b) => b.text.text === 'Approve')).toHaveLength(10);
    expect(buttons(list.blocks).filter((b) => b.text.text === 'Cancel request')).toHaveLength(10);
  });

  it('says so when nothing waits', () => {
    const list = buildApprovalsList({ waiting: [], mine: [] });
    expect(validateMessage({ ...list })).toBeNull();
    expect(text(list)).toContain('Nothing waits for you.');
  });
});

describe('the deny modal', () => {
  it('is a valid modal asking for a Reason', () => {
    const view = buildDenyModal({ card });
    expect(validateView(view)).toBeNull();
    expect(view.callback_id).toBe(CallbackIds.denyRequest);
    expect(JSON.stringify(view.blocks)).toContain('"text":"Reason"');
  });

  it('parses to a trimmed reason, refusing a blank one or a stale form', () => {
    const state = (value: string | null) => ({ [DenyBlocks.reason]: { [DenyBlocks.reason]: { type: 'plain_text_input', value } } });
    const metadata = buildDenyModal({ card }).private_metadata as string;
    expect(parseDenyForm({ privateMetadata: metadata, stateValues: state('  Use staging  ') })).toEqual({ ok: true, requestId: card.requestId, reason: 'Use staging' });
    expect(parseDenyForm({ privateMetadata: metadata, stateValues: state('   ') })).toEqual({ ok: false, error: 'REASON_REQUIRED' });
    expect(parseDenyForm({ privateMetadata: metadata, stateValues: state(null) })).toEqual({ ok: false, error: 'REASON_REQUIRED' });
    expect(parseDenyForm({ privateMetadata: '{"requestId":"not a request"}', stateValues: state('x') })).toEqual({ ok: false, error: 'STALE' });
  });
});
