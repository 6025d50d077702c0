/**
 * From "revoke this" to the confirmation modal, for `/apikey revoke …` and for any "Revoke"
 * button: find the key(s), check who is asking, and open the modal, or say why not. Nothing is
 * revoked here; the modal's submission does that (bot/listeners/views/revokeKeys.ts).
 *
 * The modal must open within the 3 seconds of Slack's trigger id: one or two indexed queries and
 * a role check (user groups are cached) come before it.
 */
import type { WebClient } from '@slack/web-api';
import { KEY_FACTS, scopeWhere, type KeyFacts, type RevocationScope } from '../../db/revocations';
import { REVOKE_REFUSAL_TEXT, checkRevokeAccess, isResponder, recordRevokeRefusal, type RevokeRefusal } from '../access/revokeAccess';
import type { BotDeps } from '../deps';
import type { RevokeTarget } from '../forms/revokeTarget';
import { buildRevokeCandidates } from '../views/revokeMessages';
import { buildBulkRevokeModal, buildRevokeKeyModal, keyLabel, scopeText, type RevokeModalMetadata } from '../views/revokeModal';
import type { Message } from '../views/revealMessages';
import { escapeMrkdwn, revokedByText, slackDate } from '../views/format';

export interface RevocationAsk {
  deps: BotDeps;
  client: WebClient;
  triggerId: string;
  userId: string;
  /** Where the ask came from; follow-up messages go there. */
  channelId: string;
  /** For the audit log: `slack:<team>/<channel>`. */
  source: string;
  target: RevokeTarget;
  /** How the key was named: the target's kind, or "button". */
  via: string;
  /** An ephemeral answer to the person who asked. */
  reply(message: Message | string): Promise<void>;
}

const SAMPLE = 15;
const MAX_MASKED_MATCHES = 50;

export async function confirmRevocation(ask: RevocationAsk): Promise<void> {
  const { target, deps } = ask;
  switch (target.kind) {
    case 'id':
      return confirmOne(ask, await deps.db.apiKey.findUnique({ where: { id: target.keyId }, select: KEY_FACTS }), 'No key has that id. `/apikey list` shows yours.');
    case 'secret':
      return confirmOne(ask, await deps.db.apiKey.findFirst({ where: { keyHash: { in: target.keyHashes } }, select: KEY_FACTS }), 'No key in keyops has that value (it may come from another system, or was never revealed). Nothing was revoked.');
    case 'masked':
      return confirmMasked(ask, target.maskedKey);
    case 'user':
      return confirmBulk(ask, { kind: 'owner', ownerId: target.userId });
    case 'environment':
      return confirmBulk(ask, { kind: 'environment', environment: target.environment });
  }
}

async function confirmOne(ask: RevocationAsk, key: KeyFacts | null, notFound: string): Promise<void> {
  if (!key) return ask.reply(notFound);
  const scope: RevocationScope = { kind: 'key', keyId: key.id };
  const refusal = await checkRevokeAccess({ roles: ask.deps.roles, userId: ask.userId, scope, ownerId: key.ownerId });
  if (refusal) return refuse(ask, scope, refusal);
  if (key.status === 'REVOKED') return ask.reply(alreadyRevokedText(key));
  await openModal(ask, buildRevokeKeyModal({ key, metadata: metadata(ask, scope, 1) }));
}

async function confirmMasked(ask: RevocationAsk, maskedKey: string): Promise<void> {
  const matches = await ask.deps.db.apiKey.findMany({ where: { maskedKey }, select: KEY_FACTS, orderBy: { createdAt: 'desc' }, take: MAX_MASKED_MATCHES });
  // A developer sees only their own keys among the matches: a masked form names no owner.
  const visible = (await isResponder({ roles: ask.deps.roles, userId: ask.userId })) ? matches : matches.filter((k) => k.ownerId === ask.userId);
  if (visible.length === 0) {
    if (matches.length > 0) return refuse(ask, { kind: 'masked', maskedKey }, 'NOT_OWNER');
    return ask.reply(`No key matches \`${maskedKey}\`. \`/apikey list\` shows yours.`);
  }
  const live = visible.filter((k) => k.status !== 'REVOKED');
  if (live.length === 0) return ask.reply(alreadyRevokedText(visible[0] as KeyFacts));
  if (live.length === 1) return confirmOne(ask, live[0] as KeyFacts, '');
  await ask.reply(buildRevokeCandidates({ maskedKey, keys: live }));
}

async function confirmBulk(ask: RevocationAsk, scope: Exclude<RevocationScope, { kind: 'key' }>): Promise<void> {
  const refusal = await checkRevokeAccess({ roles: ask.deps.roles, userId: ask.userId, scope });
  if (refusal) return refuse(ask, scope, refusal);
  const where = scopeWhere(scope);
  const [count, sample] = await Promise.all([
    ask.deps.db.apiKey.count({ where }),
    ask.deps.db.apiKey.findMany({ where, select: KEY_FACTS, orderBy: { createdAt: 'desc' }, take: SAMPLE }),
  ]);
  if (count === 0) return ask.reply(`There are no live keys ${scopeText(scope)}: nothing to revoke.`);
  await openModal(ask, buildBulkRevokeModal({ scope, count, sample, metadata: metadata(ask, scope, count) }));
}

function metadata(ask: RevocationAsk, scope: RevocationScope, shownCount: number): RevokeModalMetadata {
  return { scope, channelId: ask.channelId, via: ask.via, shownCount };
}

async function refuse(ask: RevocationAsk, scope: RevocationScope | { kind: 'masked'; maskedKey: string }, why: RevokeRefusal): Promise<void> {
  await recordRevokeRefusal({ db: ask.deps.db, userId: ask.userId, scope, why, via: ask.via, source: ask.source });
  ask.deps.log.info('revocation refused', { userId: ask.userId, why, via: ask.via, scope: scope.kind });
  await ask.reply(REVOKE_REFUSAL_TEXT[why]);
}

export function alreadyRevokedText(key: KeyFacts): string {
  const by = revokedByText(key.revokedBy);
  const when = key.revokedAt ? ` ${slackDate(key.revokedAt)}` : '';
  const why = key.revokedReason ? `: “${escapeMrkdwn(key.revokedReason)}”` : '';
  return `${keyLabel(key)} (*${escapeMrkdwn(key.name)}*) was already revoked${by}${when}${why}. Verification answers \`REVOKED\` for it.`;
}

async function openModal(ask: RevocationAsk, view: Parameters<WebClient['views']['open']>[0]['view']): Promise<void> {
  try {
    await ask.client.views.open({ trigger_id: ask.triggerId, view });
  } catch (error) {
    // Usually a trigger id older than Slack's 3 seconds: the person can simply ask again.
    ask.deps.log.warn('could not open the revocation modal', { userId: ask.userId, error: (error as Error).message });
    await ask.reply('Slack did not let keyops open the confirmation in time. Please run the command again.');
  }
}
