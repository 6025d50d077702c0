/**
 * From "show me this key's usage" to the message, for `/apikey usage <key>` and for the Usage
 * button of `/apikey list` (call showUsage with the button's key id): find the key, check who is
 * asking, read its usage and answer. Read-only, so nothing here needs a workflow.
 */
import { signChartUrl } from '../../api/usageChart';
import { recordAudit } from '../../db/audit';
import { readKeyUsage } from '../../db/keyUsage';
import { rateLimitFor } from '../../domain/policy';
import { USAGE_REFUSAL_TEXT, canReadUsage } from '../access/usageAccess';
import type { BotDeps } from '../deps';
import type { RevokeTarget } from '../forms/revokeTarget';
import type { Message } from '../views/revealMessages';
import { buildUsageMessage } from '../views/usageMessage';

export type UsageTarget = Extract<RevokeTarget, { kind: 'id' | 'masked' | 'secret' }>;

export interface UsageAsk {
  deps: Pick<BotDeps, 'db' | 'roles' | 'policy' | 'clock' | 'log' | 'keyHashSecret' | 'publicUrl'>;
  userId: string;
  /** An ephemeral answer to the person who asked. */
  reply(message: Message | string): Promise<void>;
}

const KEY_COLUMNS = { id: true, name: true, maskedKey: true, environment: true, ownerId: true, lastUsedAt: true } as const;
/** Masked forms share their last four characters by chance; more than this is not worth listing. */
const MAX_MASKED_MATCHES = 10;

/** The Usage button's entry point: one key, by id. */
export function showUsage(ask: UsageAsk & { keyId: string }): Promise<void> {
  return showUsageFor({ ...ask, target: { kind: 'id', keyId: ask.keyId } });
}

export async function showUsageFor(ask: UsageAsk & { target: UsageTarget }): Promise<void> {
  const { deps, target } = ask;
  if (target.kind === 'masked') return showMasked(ask, target.maskedKey);
  const key =
    target.kind === 'id'
      ? await deps.db.apiKey.findUnique({ where: { id: target.keyId }, select: KEY_COLUMNS })
      : await deps.db.apiKey.findFirst({ where: { keyHash: { in: target.keyHashes } }, select: KEY_COLUMNS });
  if (!key) return ask.reply('No key in keyops matches that. `/apikey list` shows yours.');
  if (!(await canReadUsage({ roles: deps.roles, userId: ask.userId, ownerId: key.ownerId }))) {
    deps.log.info('usage refused', { userId: ask.userId, keyId: key.id });
    return ask.reply(USAGE_REFUSAL_TEXT);
  }
  // Reading someone else's usage is on the audit trail (the owner's own reads are not worth a line).
  if (key.ownerId !== ask.userId) await recordAudit(deps.db, { actorId: ask.userId, action: 'usage.read', targetType: 'key', targetId: key.id, source: 'slack', details: { ownerId: key.ownerId } });
  const now = deps.clock();
  const report = await readKeyUsage({ db: deps.db, keyId: key.id, now });
  const chartUrl = deps.publicUrl ? signChartUrl({ publicUrl: deps.publicUrl, keyId: key.id, now, secret: deps.keyHashSecret }) : undefined;
  const limits = rateLimitFor(deps.policy, key.environment);
  await ask.reply(buildUsageMessage({ key, report, limits, now, daysKeptSeconds: deps.policy.usage.retention.days, ...(chartUrl ? { chartUrl } : {}) }));
}

/** A masked form may match several keys: only those the asker may read count. */
async function showMasked(ask: UsageAsk, maskedKey: string): Promise<void> {
  const keys = await ask.deps.db.apiKey.findMany({ where: { maskedKey }, select: { id: true, ownerId: true }, orderBy: { createdAt: 'desc' }, take: MAX_MASKED_MATCHES });
  const readable = [];
  for (const key of keys) if (await canReadUsage({ roles: ask.deps.roles, userId: ask.userId, ownerId: key.ownerId })) readable.push(key);
  const [only] = readable;
  if (!only) return ask.reply(keys.length === 0 ? 'No key in keyops matches that. `/apikey list` shows yours.' : USAGE_REFUSAL_TEXT);
  if (readable.length > 1) return ask.reply(`Several keys look like \`${maskedKey}\`: ask by id, one of ${readable.map((k) => `\`${k.id}\``).join(', ')}.`);
  return showUsageFor({ ...ask, target: { kind: 'id', keyId: only.id } });
}
