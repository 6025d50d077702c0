/**
 * `/apikey audit` and its "Older" button: who may read which part of the audit log, the read
 * itself audited when it is not the reader's own, and the page. Admins read everything; owners the
 * events on their own keys; everyone else is refused (and that is audited too).
 */
import { z } from 'zod';
import { recordAudit } from '../../db/audit';
import { readAuditPage, type AuditScope } from '../../db/auditTrail';
import type { BotDeps } from '../deps';
import { buildAuditPage } from '../views/auditTrail';
import type { Message } from '../views/revealMessages';

export interface AuditAsk {
  deps: Pick<BotDeps, 'db' | 'roles' | 'log'>;
  userId: string;
  /** slack:<team>/<channel>, for the audit of the read. */
  source: string;
  scope: AuditScope;
  since: Date;
  beforeId?: bigint;
  reply(message: Message | string): Promise<void>;
}

export const AUDIT_REFUSAL_TEXT = 'You can read the audit trail of your own keys only (`/apikey audit` or `/apikey audit <your key>`). Admins can read all of it.';

const cursorSchema = z.object({
  scope: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('all') }),
    z.object({ kind: z.literal('person'), userId: z.string().max(32) }),
    z.object({ kind: z.literal('key'), keyId: z.string().max(64) }),
    z.object({ kind: z.literal('ownKeys'), ownerId: z.string().max(32) }),
  ]),
  since: z.number().int(),
  before: z.string().regex(/^\d{1,20}$/),
});

export function parseAuditCursor(value: string | undefined): { scope: AuditScope; since: Date; beforeId: bigint } | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(value ?? ''));
    return parsed.success ? { scope: parsed.data.scope, since: new Date(parsed.data.since), beforeId: BigInt(parsed.data.before) } : null;
  } catch {
    return null;
  }
}

export async function showAudit(ask: AuditAsk): Promise<void> {
  const { deps, userId, scope } = ask;
  const allowed = await mayRead(ask);
  const own = scope.kind === 'ownKeys' && scope.ownerId === userId;
  if (!allowed) {
    await recordAudit(deps.db, { actorId: userId, action: 'audit.read_refused', ...targetOf(scope), source: ask.source });
    return ask.reply(AUDIT_REFUSAL_TEXT);
  }
  // Reading someone else's trail is itself on the trail; the first page is enough to say so.
  if (!own && ask.beforeId === undefined) await recordAudit(deps.db, { actorId: userId, action: 'audit.read', ...targetOf(scope), source: ask.source, details: { since: ask.since.toISOString() } });
  const { lines, more } = await readAuditPage(deps.db, { scope, since: ask.since, beforeId: ask.beforeId });
  const last = lines[lines.length - 1];
  const next = more && last ? JSON.stringify({ scope, since: ask.since.getTime(), before: last.id.toString() }) : null;
  await ask.reply(buildAuditPage({ title: titleOf(scope, ask.since), lines, next }));
}

async function mayRead(ask: AuditAsk): Promise<boolean> {
  const { scope, userId, deps } = ask;
  if (scope.kind === 'ownKeys' && scope.ownerId === userId) return true;
  if ((await deps.roles.rolesOf(userId)).has('admin')) return true;
  if (scope.kind !== 'key') return false;
  const key = await deps.db.apiKey.findUnique({ where: { id: scope.keyId }, select: { ownerId: true } });
  return key?.ownerId === userId;
}

function targetOf(scope: AuditScope): { targetType: 'key' | 'user'; targetId: string } {
  if (scope.kind === 'key') return { targetType: 'key', targetId: scope.keyId };
  if (scope.kind === 'person') return { targetType: 'user', targetId: scope.userId };
  if (scope.kind === 'ownKeys') return { targetType: 'user', targetId: scope.ownerId };
  return { targetType: 'user', targetId: '*' };
}

function titleOf(scope: AuditScope, since: Date): string {
  const from = `since ${since.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  if (scope.kind === 'all') return `Audit trail ${from}`;
  if (scope.kind === 'key') return `Audit trail of ${scope.keyId} ${from}`;
  if (scope.kind === 'person') return `Audit trail of ${scope.userId} ${from}`;
  return `Audit trail of your keys ${from}`;
}
