/** `keyops audit export`: the audit log for auditors and SIEMs, streamed (any size, constant memory). */
import { recordAudit } from '../../db/audit';
import { parseDuration } from '../../domain/duration';
import { CliError, type CliCommand } from '../command';
import { AUDIT_COLUMNS, streamAuditRows, toCsvLine, toJsonLine } from '../audit/exportRows';
import { cliActor, withDb } from '../store';

export const auditExportCommand: CliCommand = {
  words: ['audit', 'export'],
  summary: 'stream the audit log as CSV or JSON lines, oldest first',
  description:
    'Writes to stdout, e.g. `npx keyops audit export --since 90d --format csv > audit.csv`.\n' +
    'The export is itself audited (audit.exported, by cli:<user>@<host>).',
  options: {
    since: { type: 'string', placeholder: 'duration', description: 'events of this last period: 30s, 10m, 24h, 30d (default 30d)' },
    format: { type: 'string', placeholder: 'csv|jsonl', description: 'output format (default jsonl)' },
  },
  async run({ args, options, io }) {
    if (args.length > 0) throw new CliError(`audit export takes no arguments (got "${args[0]}")`, { hint: 'see: npx keyops audit export --help', exitCode: 2 });
    const format = (options.format as string | undefined) ?? 'jsonl';
    if (format !== 'csv' && format !== 'jsonl') throw new CliError(`--format must be csv or jsonl, not "${format}"`, { exitCode: 2 });
    const sinceText = (options.since as string | undefined) ?? '30d';
    const seconds = parseDuration(sinceText);
    if (seconds === null) throw new CliError(`--since must be a duration like 30d, 24h or 10m, not "${sinceText}"`, { exitCode: 2 });
    const since = new Date(Date.now() - seconds * 1000);
    return withDb(io.env, async (db, env) => {
      const line = format === 'csv' ? toCsvLine : toJsonLine;
      if (format === 'csv') await io.write(AUDIT_COLUMNS.join(',') + '\r\n');
      const count = await streamAuditRows({ databaseUrl: env.DATABASE_URL, since, write: (rows) => io.write(rows.map(line).join('')) });
      await recordAudit(db, { actorId: cliActor(), action: 'audit.exported', targetType: 'user', targetId: '*', source: 'cli', details: { since: since.toISOString(), format, rows: count } });
      io.err(`keyops: exported ${count} audit events since ${since.toISOString()}`);
      return 0;
    });
  },
};
