/**
 * Text people type (key names, reasons, deny and revocation reasons) is never markup: every view
 * and message builder is rendered with adversarial strings, and no link, mention or broadcast
 * (`<http…|…>`, `<@U…>`, `<!here>`, `<!channel>`, `<#C…>`, `<!subteam^…>`) may come out of them.
 *
 * Slack reads `<…>` in mrkdwn (and in a message's top-level `text`) as markup. So each builder is
 * rendered twice with the same ids and dates, once with a benign word and once with the
 * adversarial text: the adversarial rendering may hold no `<…>` and no `<` the benign one does not.
 * plain_text (titles, labels, input values) is shown as typed and is not checked.
 */
import fc from 'fast-check';
import { buildAppHome } from '../../../bot/views/appHome';
import type { ApprovalCard, ApprovalState } from '../../../bot/views/approvalCard';
import { buildApprovalReminder, buildApprovalRequest } from '../../../bot/views/approvalMessages';
import { decisionReply } from '../../../bot/views/approvalReplies';
import { buildApprovalsList } from '../../../bot/views/approvalsList';
import { buildDenyModal } from '../../../bot/views/denyModal';
import { buildExtendModal } from '../../../bot/views/extendModal';
import { buildKeyList } from '../../../bot/views/keyList';
import { buildLeakAnnouncement, buildLeakOwnerNotice, buildLeakPosterNotice } from '../../../bot/views/leakMessages';
import { buildExpiryNotice, buildExtensionRefused, buildKeyExpired, buildKeyExtended, buildKeyKept, buildUnusedNotice } from '../../../bot/views/lifecycleNotices';
import { buildQuotaNotice } from '../../../bot/views/quotaNotice';
import { buildRequesterOutcome, buildRequesterStatus } from '../../../bot/views/requesterMessages';
import { buildMaskedAfterReveal, buildRevealedKey, buildRevealNotDelivered, buildRevealOffer, buildRevealWindowClosed, buildRevokedBeforeReveal } from '../../../bot/views/revealMessages';
import { buildRevokeCandidates, buildRevokedNotice } from '../../../bot/views/revokeMessages';
import { buildBulkRevokeModal, buildRevocationDone, buildRevokeKeyModal } from '../../../bot/views/revokeModal';
import { buildRotateModal } from '../../../bot/views/rotateModal';
import { buildGraceExtended, buildGraceStarted, buildRotationAbandoned, buildRotationCancelled, buildRotationCheck, buildRotationFinished } from '../../../bot/views/rotationMessages';
import { buildUsageMessage } from '../../../bot/views/usageMessage';
import type { KeyFacts } from '../../../db/revocations';
import { buildUsageReport } from '../../../domain/usageReport';

const NOW = new Date('2027-03-01T12:00:00Z');
const LATER = new Date('2027-04-01T12:00:00Z');
const EARLIER = new Date('2027-02-01T12:00:00Z');
const MASKED = 'ko_live_…3f8a';
const KEY_ID = 'key_0000000000000001';
const NEW_KEY_ID = 'key_0000000000000002';

/** Every builder, given the text a person typed (the same text in every user-text field). */
function renderings(t: string): Array<[string, unknown]> {
  const card: ApprovalCard = { requestId: 'kr_V0ABC', requesterId: 'U0REQ', name: t, environment: 'production', scopes: ['read', 'billing:read'], sensitiveScopes: ['billing:read'], lifetimeSeconds: 86400 * 30, reason: t, requestedAt: EARLIER };
  const who = { groups: [{ role: 'approvers' as const, ids: ['S0PLATFORM'], mandatory: true }, { role: 'sensitive' as const, ids: ['U0SEC'], mandatory: true }], required: 1 as const, sensitiveScopes: ['billing:read'] };
  const decision = { approverId: 'U0APPROVER', at: EARLIER };
  const states: ApprovalState[] = [
    { kind: 'pending', approvals: [decision], stillNeeded: 'one of <@U0SEC>' },
    { kind: 'approved', approvals: [decision] },
    { kind: 'denied', by: decision, reason: t },
    { kind: 'cancelled', at: NOW },
    { kind: 'timed_out', at: NOW, timeoutSeconds: 3600 },
  ];
  const timers = { reminderEverySeconds: 3600, escalateAfterSeconds: 86400, escalateTo: ['U0ADMIN'], timeoutSeconds: 3 * 86400 };
  const summary = { keyId: KEY_ID, name: t, environment: 'production', scopes: ['read'] };
  const notice = { keyId: KEY_ID, name: t, maskedKey: MASKED, environment: 'production' };
  const pair = { old: { ...notice, lastUsedAt: EARLIER }, new: { ...notice, keyId: NEW_KEY_ID, lastUsedAt: null } };
  const facts = (status: KeyFacts['status']): KeyFacts => ({
    id: KEY_ID, ownerId: 'U0OWNER', name: t, environment: 'production', scopes: ['read'], status, maskedKey: MASKED, lastUsedAt: EARLIER, expiresAt: LATER,
    revokedAt: status === 'REVOKED' ? NOW : null, revokedBy: status === 'REVOKED' ? 'U0ONCALL' : null, revokedReason: status === 'REVOKED' ? t : null, revocationId: null,
  });
  const row = { id: KEY_ID, name: t, maskedKey: MASKED, environment: 'production', scopes: ['read'], status: 'ACTIVE' as const, createdAt: EARLIER, expiresAt: LATER, lastUsedAt: EARLIER, graceEndsAt: null };
  const pendingRow = { ...row, id: NEW_KEY_ID, status: 'PENDING_REVEAL' as const, maskedKey: null, lastUsedAt: null };
  const metadata = { scope: { kind: 'key' as const, keyId: KEY_ID }, channelId: 'C0GENERAL', via: 'id', shownCount: 1 };
  const leaked = { id: KEY_ID, name: t, environment: 'production', maskedKey: MASKED, ownerId: 'U0OWNER' };
  const slackPlace = { kind: 'slack' as const, teamId: 'T0TEST', channelId: 'C0GENERAL', channelType: 'channel' as const, channelName: t, userId: 'U0POSTER', userName: t, messageTs: '1796034662.000100' };
  const report = buildUsageReport({ now: NOW, hours: [], days: [], minutes: [] });
  return [
    ['buildAppHome', buildAppHome({ data: { keys: [row, pendingRow], totalKeys: 2, counts: { active: 1, expiringSoon: 0, pending: 1 }, pendingRequests: [{ id: 'kr_V0A', name: t, environment: 'production', createdAt: EARLIER }], approvals: [{ id: 'kr_V0B', name: t, environment: 'production', requesterId: 'U0REQ', createdAt: EARLIER }] }, now: NOW, expiringSoonSeconds: 14 * 86400 })],
    ...states.map((state): [string, unknown] => [`buildApprovalRequest ${state.kind}`, buildApprovalRequest({ card, who, state, banner: ':rotating_light: *Escalated to you*' })]),
    ['buildApprovalReminder', buildApprovalReminder({ card, waitedSeconds: 4 * 3600 })],
    ...(['APPROVED', 'DENIED', 'CANCELLED'] as const).map((outcome): [string, unknown] => [`decisionReply ${outcome}`, { text: decisionReply({ result: { outcome }, card, stillNeeded: null }) }]),
    ['decisionReply MORE_NEEDED', { text: decisionReply({ result: { outcome: 'MORE_NEEDED', approvals: 1, required: 2, missingRoles: ['sensitive'] }, card, stillNeeded: 'one of <@U0SEC>' }) }],
    ['buildApprovalsList', buildApprovalsList({ waiting: [{ card, status: 'waiting for you' }], mine: [{ card, status: 'waiting' }] })],
    ['buildDenyModal', buildDenyModal({ card })],
    ['buildExtendModal', buildExtendModal({ key: { id: KEY_ID, name: t, maskedKey: MASKED, environment: 'production', expiresAt: LATER }, choices: [{ lifetimeSeconds: 86400 * 90, expiresAt: LATER }] as never, responseUrl: null })],
    ['buildKeyList', buildKeyList({ ownerId: 'U0OWNER', viewerId: 'U0OWNER', rows: [row, pendingRow], page: 0, total: 2, waiting: [{ name: t, environment: 'production', createdAt: EARLIER }], now: NOW, expiringSoonSeconds: 14 * 86400, revealable: true })],
    ['buildKeyList (someone else\'s)', buildKeyList({ ownerId: 'U0OWNER', viewerId: 'U0ADMIN', rows: [row], page: 0, total: 1, now: NOW, expiringSoonSeconds: 14 * 86400 })],
    ...(['revoke', 'notify'] as const).flatMap((action): Array<[string, unknown]> => [
      [`buildLeakPosterNotice ${action}`, buildLeakPosterNotice({ key: leaked, action })],
      [`buildLeakOwnerNotice ${action}`, buildLeakOwnerNotice({ key: leaked, place: slackPlace, action })],
      [`buildLeakAnnouncement ${action}`, buildLeakAnnouncement({ key: leaked, place: slackPlace, action })],
    ]),
    ['buildExpiryNotice', buildExpiryNotice({ ...notice, expiresAt: LATER, beforeSeconds: 3 * 86400 })],
    ['buildKeyExpired', buildKeyExpired({ ...notice, expiresAt: NOW })],
    ['buildUnusedNotice', buildUnusedNotice({ ...notice, kind: 'unused', since: EARLIER, lastUsedAt: EARLIER })],
    ['buildUnusedNotice never', buildUnusedNotice({ ...notice, kind: 'never_used', since: EARLIER, lastUsedAt: null })],
    ['buildKeyKept', buildKeyKept({ ...notice, actorId: 'U0OWNER', askAgainAt: LATER })],
    ['buildKeyExtended', buildKeyExtended({ ...notice, actorId: 'U0OWNER', from: NOW, to: LATER })],
    ['buildExtensionRefused', buildExtensionRefused({ ...notice, refusal: 'NOT_ACTIVE' })],
    ['buildQuotaNotice', buildQuotaNotice({ name: t, maskedKey: MASKED, environment: 'production', threshold: 0.8, used: 80, quota: 100, resetsAt: LATER })],
    ...states.map((state): [string, unknown] => [`buildRequesterStatus ${state.kind}`, buildRequesterStatus({ card, who, state, timers })]),
    ...states.map((state): [string, unknown] => [`buildRequesterOutcome ${state.kind}`, buildRequesterOutcome({ card, state })]),
    ['buildRevealOffer', buildRevealOffer({ ...summary, maskedPreview: 'ko_live_…????', lifetimeSeconds: 86400, revealWindowEndsAt: LATER })],
    ['buildRevealedKey', buildRevealedKey({ ...summary, plaintext: 'ko_live_AbCdEfGhIjKlMnOpQrStUvWxYz_0a3f8a', maskedKey: MASKED, expiresAt: LATER, displaySeconds: 120, exampleUrl: 'https://api.example.com/v1/ping' })],
    ['buildMaskedAfterReveal', buildMaskedAfterReveal({ ...summary, maskedKey: MASKED, expiresAt: LATER })],
    ['buildRevealNotDelivered', buildRevealNotDelivered(summary)],
    ['buildRevealWindowClosed', buildRevealWindowClosed(summary)],
    ['buildRevokedBeforeReveal', buildRevokedBeforeReveal({ ...summary, revokedBy: 'U0ONCALL' })],
    ['buildRevokeCandidates', buildRevokeCandidates({ maskedKey: MASKED, keys: [facts('ACTIVE'), facts('ACTIVE')] })],
    ['buildRevokedNotice', buildRevokedNotice({ keys: [facts('REVOKED')], actorId: 'U0ONCALL', reason: t })],
    ['buildRevokeKeyModal', buildRevokeKeyModal({ key: facts('ACTIVE'), metadata })],
    ['buildBulkRevokeModal', buildBulkRevokeModal({ scope: { kind: 'owner', ownerId: 'U0OWNER' }, count: 2, sample: [facts('ACTIVE')], metadata: { ...metadata, scope: { kind: 'owner', ownerId: 'U0OWNER' } } })],
    ['buildRevocationDone', buildRevocationDone({ scope: metadata.scope, keys: [facts('REVOKED')], shownCount: 1, actorId: 'U0ONCALL' })],
    ['buildRevocationDone already', buildRevocationDone({ scope: metadata.scope, keys: [], shownCount: 1, actorId: 'U0ONCALL', alreadyRevoked: facts('REVOKED') })],
    ['buildRotateModal', buildRotateModal({ key: { id: KEY_ID, name: t, maskedKey: MASKED, environment: 'production', expiresAt: LATER }, graceOptions: [3600, 86400], defaultGrace: 86400, needsApproval: true, channelId: 'C0GENERAL' })],
    ['buildGraceStarted', buildGraceStarted({ ...pair, keyId: KEY_ID, graceEndsAt: LATER })],
    ['buildRotationCheck', buildRotationCheck({ ...pair, keyId: KEY_ID, graceEndsAt: LATER, now: NOW, extendBySeconds: 86400 })],
    ['buildRotationFinished', buildRotationFinished({ ...pair, why: 'revoked_early', actorId: 'U0OWNER' })],
    ['buildGraceExtended', buildGraceExtended({ ...pair, actorId: 'U0OWNER', graceEndsAt: LATER })],
    ['buildRotationCancelled', buildRotationCancelled({ ...pair, actorId: 'U0OWNER' })],
    ['buildRotationAbandoned', buildRotationAbandoned({ old: notice, outcome: 'denied' })],
    ['buildUsageMessage', buildUsageMessage({ key: { id: KEY_ID, name: t, maskedKey: MASKED, environment: 'production', ownerId: 'U0OWNER', lastUsedAt: EARLIER }, report, limits: null, now: NOW })],
  ];
}

/** What Slack reads as mrkdwn: a message's top-level `text` and every `mrkdwn` text object. */
function mrkdwnTexts(rendered: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown, isRoot: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, false));
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj.type === 'mrkdwn' && typeof obj.text === 'string') found.push(obj.text);
    if (isRoot && typeof obj.text === 'string') found.push(obj.text);
    for (const [key, value] of Object.entries(obj)) if (key !== 'text' || typeof value !== 'string') walk(value, false);
  };
  walk(rendered, true);
  return found;
}

/** `<` opens all of Slack's markup (a `>` at a line's start is a quote, which builders use themselves). */
const openers = (texts: string[]): number => texts.reduce((n, text) => n + (text.match(/</g) ?? []).length, 0);
const markup = (texts: string[]): string[] => texts.flatMap((text) => text.match(/<[^<>]*>/g) ?? []);

/** Fragments of Slack's markup, mixed with anything else a person might type. */
const MARKUP = ['<https://evil.example|Approve here>', '<http://evil.example>', '<mailto:a@evil.example|x>', '<@U0EVIL>', '<@W0EVIL|boss>', '<!here>', '<!channel>', '<!everyone>', '<#C0EVIL>', '<#C0EVIL|general>', '<!subteam^S0EVIL>', '<!date^1^{date}|x>', '&lt;@U0EVIL&gt;', '<', '>', '|', '*', '_', '`', '```', '\n', '&'];
const typed = fc
  .array(fc.oneof(fc.constantFrom(...MARKUP), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 3 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join('').slice(0, 64))
  .filter((text) => text.trim().length > 0);

describe('user text in views and messages', () => {
  const benign = new Map(renderings('Payments').map(([name, rendered]) => [name, mrkdwnTexts(rendered)]));

  it('forms no link, mention or broadcast, in any builder', () => {
    fc.assert(
      fc.property(typed, (text) => {
        for (const [name, rendered] of renderings(text)) {
          const baseline = benign.get(name) as string[];
          const texts = mrkdwnTexts(rendered);
          const extra = markup(texts).filter((m) => !markup(baseline).includes(m));
          if (extra.length > 0 || openers(texts) !== openers(baseline)) {
            throw new Error(`${name} turned ${JSON.stringify(text)} into markup: ${JSON.stringify(extra)} in ${JSON.stringify(texts)}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the check itself sees markup a builder lets through', () => {
    const leaky = { text: `Reminder: *${'<https://evil.example|Approve here>'}*`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '<!here>' } }] };
    expect(markup(mrkdwnTexts(leaky))).toEqual(['<https://evil.example|Approve here>', '<!here>']);
  });
});
