/** `keyops doctor`: is this environment ready to run keyops? One line per check, exit 0 or 1. */
import { JSON_OPTION, type CliCommand } from '../command';
import { runDoctorChecks, type CheckStatus } from '../doctor/checks';

const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', skip: 'skip', fail: 'FAIL' };

export const doctorCommand: CliCommand = {
  words: ['doctor'],
  summary: 'check the environment, database and migrations, Temporal, Slack, Redis and the policy',
  description:
    'Reads the same environment variables as keyops itself. Each line says ok, skip (not configured,\n' +
    'which is fine) or FAIL with what to fix. Exit code 0 when nothing failed, 1 otherwise.',
  options: JSON_OPTION,
  async run({ options, io }) {
    const results = await runDoctorChecks(io.env);
    const failed = results.some((r) => r.status === 'fail');
    if (options.json) {
      io.out(JSON.stringify({ ok: !failed, checks: results }));
      return failed ? 1 : 0;
    }
    const width = Math.max(...results.map((r) => r.name.length));
    for (const r of results) io.out(`${LABEL[r.status]}  ${r.name.padEnd(width)}  ${r.detail}`);
    return failed ? 1 : 0;
  },
};
