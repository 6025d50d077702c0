/**
 * The reads behind `/apikey list` and App Home: narrow selects, one indexed query each. Live keys
 * come first (the KeyStatus enum sorts PENDING_REVEAL, ACTIVE, EXPIRED, REVOKED), newest first.
 */
import type { Db } from './client';
import type { Prisma } from '../generated/prisma/client';

export const KEY_ROW_SELECT = {
  id: true,
  name: true,
  maskedKey: true,
  environment: true,
  scopes: true,
  status: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  graceEndsAt: true,
  revealedAt: true,
  firstCallAt: true,
  firstCallOutcome: true,
  firstCallVia: true,
  firstCallCaller: true,
  firstCallReportedClass: true,
} as const satisfies Prisma.ApiKeySelect;

const LIST_ORDER: Prisma.ApiKeyOrderByWithRelationInput[] = [{ status: 'asc' }, { createdAt: 'desc' }, { id: 'asc' }];

export async function listKeysPage(db: Db, options: { ownerId: string; page: number; pageSize: number }) {
  const [total, rows, waiting] = await Promise.all([
    db.apiKey.count({ where: { ownerId: options.ownerId } }),
    db.apiKey.findMany({ where: { ownerId: options.ownerId }, select: KEY_ROW_SELECT, orderBy: LIST_ORDER, skip: options.page * options.pageSize, take: options.pageSize }),
    // Requests still waiting for an approver have no key yet, but they are the owner's "pending" too.
    db.keyRequest.findMany({ where: { requesterId: options.ownerId, status: 'PENDING_APPROVAL' }, select: { id: true, name: true, environment: true, createdAt: true }, orderBy: { createdAt: 'desc' }, take: 10 }),
  ]);
  return { total, rows, waiting };
}

type KeyListRow = Awaited<ReturnType<typeof listKeysPage>>['rows'][number];
/** Read for the first-call line (bot/views/keyRows.ts), which a row may do without. */
type FirstCallColumns = 'revealedAt' | 'firstCallAt' | 'firstCallOutcome' | 'firstCallVia' | 'firstCallCaller' | 'firstCallReportedClass';

export interface HomeData {
  keys: Array<Omit<KeyListRow, FirstCallColumns> & Partial<Pick<KeyListRow, FirstCallColumns>>>;
  totalKeys: number;
  /** Live keys by stored status, for the summary line. */
  counts: { active: number; expiringSoon: number; pending: number };
  pendingRequests: Array<{ id: string; name: string; environment: string; createdAt: Date }>;
  approvals: Array<{ id: string; name: string; environment: string; requesterId: string; createdAt: Date }>;
}

/**
 * Everything App Home shows one person. The approvals waiting for them are the requests that list
 * them as an approver (groups expanded when the request was asked) and that they have not decided.
 */
export async function loadHomeData(db: Db, options: { userId: string; keyLimit: number; now: Date; expiringSoonSeconds: number }): Promise<HomeData> {
  const soon = new Date(options.now.getTime() + options.expiringSoonSeconds * 1000);
  const [keys, [counted], pendingRequests, approvals] = await Promise.all([
    db.apiKey.findMany({ where: { ownerId: options.userId, status: { in: ['PENDING_REVEAL', 'ACTIVE'] } }, select: KEY_ROW_SELECT, orderBy: LIST_ORDER, take: options.keyLimit }),
    // The summary's four numbers in one pass over the owner's keys (owner_id is indexed).
    db.$queryRaw<Array<{ total: number; active: number; pending: number; expiring_soon: number }>>`
      SELECT count(*)::int AS total,
             count(*) FILTER (WHERE status = 'ACTIVE')::int AS active,
             count(*) FILTER (WHERE status = 'PENDING_REVEAL')::int AS pending,
             count(*) FILTER (WHERE status = 'ACTIVE' AND expires_at > ${options.now.toISOString()}::timestamptz(3) AND expires_at <= ${soon.toISOString()}::timestamptz(3))::int AS expiring_soon
        FROM api_keys WHERE owner_id = ${options.userId}`,
    db.keyRequest.findMany({
      where: { requesterId: options.userId, status: 'PENDING_APPROVAL' },
      select: { id: true, name: true, environment: true, createdAt: true },
      orderBy: { createdAt: 'desc' },
      take: 10,
    }),
    db.keyRequest.findMany({
      where: { status: 'PENDING_APPROVAL', approverIds: { has: options.userId }, requesterId: { not: options.userId }, decisions: { none: { approverId: options.userId } } },
      select: { id: true, name: true, environment: true, requesterId: true, createdAt: true },
      orderBy: { createdAt: 'asc' },
      take: 10,
    }),
  ]);
  const totalKeys = counted?.total ?? 0;
  return { keys, totalKeys, counts: { active: counted?.active ?? 0, expiringSoon: counted?.expiring_soon ?? 0, pending: counted?.pending ?? 0 }, pendingRequests, approvals };
}
