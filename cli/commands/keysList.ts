/** `keyops keys list`: the keys, masked, filtered by owner, status or environment. */
import type { KeyStatus } from '../../generated/prisma/enums';
import { CliError, JSON_OPTION, type CliCommand } from '../command';
import { withDb } from '../store';

const STATUSES: Record<string, KeyStatus> = { active: 'ACTIVE', pending: 'PENDING_REVEAL', expired: 'EXPIRED', revoked: 'REVOKED' };

export const keysListCommand: CliCommand = {
  words: ['keys', 'list'],
  summary: 'list keys (masked), newest first',
  options: {
    owner: { type: 'string', placeholder: 'U…', description: 'only this Slack user\'s keys' },
    status: { type: 'string', placeholder: 'active|pending|expired|revoked', description: 'only keys in this status' },
    env: { type: 'string', placeholder: 'name', description: 'only keys of this environment' },
    limit: { type: 'string', placeholder: 'n', description: 'at most this many (default 100)' },
    ...JSON_OPTION,
  },
  async run({ options, io }) {
    const statusText = options.status as string | undefined;
    const status = statusText === undefined ? undefined : STATUSES[statusText.toLowerCase()];
    if (statusText !== undefined && !status) throw new CliError(`--status must be one of ${Object.keys(STATUSES).join(', ')}`, { exitCode: 2 });
    const limit = Number((options.limit as string | undefined) ?? '100');
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError('--limit must be a whole number from 1 to 10000', { exitCode: 2 });
    const keys = await withDb(io.env, (db) =>
      db.apiKey.findMany({
        where: { ...(options.owner ? { ownerId: options.owner as string } : {}), ...(status ? { status } : {}), ...(options.env ? { environment: options.env as string } : {}) },
        select: { id: true, maskedKey: true, name: true, ownerId: true, environment: true, status: true, scopes: true, expiresAt: true, lastUsedAt: true, createdAt: true },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit,
      }),
    );
    if (options.json) {
      io.out(JSON.stringify(keys.map((k) => ({ ...k, expiresAt: k.expiresAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, createdAt: k.createdAt.toISOString() }))));
      return 0;
    }
    if (keys.length === 0) {
      io.out('no keys match');
      return 0;
    }
    const rows = keys.map((k) => [k.id, k.maskedKey ?? '(not revealed)', k.status.toLowerCase(), k.environment, k.ownerId, k.expiresAt.toISOString().slice(0, 10), k.lastUsedAt?.toISOString().slice(0, 16).replace('T', ' ') ?? 'never', k.name]);
    const header = ['ID', 'KEY', 'STATUS', 'ENV', 'OWNER', 'EXPIRES', 'LAST USED', 'NAME'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
    for (const row of [header, ...rows]) io.out(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number))).join('  '));
    return 0;
  },
};
