/**
 * One API process's usage recorder, on its own connections, for the concurrent-flush test: records
 * a valid use of every key (in the order given) and flushes, `rounds` times, then prints one JSON
 * line with the errors it logged. Run with tsx: `tsx lastUsedFlusher.ts <job.json>`.
 */
import { readFileSync } from 'node:fs';
import { createUsageRecorder } from '../../api/usage';
import { createDb } from '../../db/client';
import { createLogger } from '../../runtime/log';

interface Job {
  databaseUrl: string;
  ids: string[];
  rounds: number;
  /** Round r records its uses at baseMs + r seconds. */
  baseMs: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as Job;
  const errors: string[] = [];
  const log = createLogger({ name: 'flusher', sink: (line) => void (JSON.parse(line).level === 'error' && errors.push(line)) });
  const db = createDb({ databaseUrl: job.databaseUrl, maxConnections: 2 });
  const usage = createUsageRecorder({ db, log, intervalMs: 3_600_000 });
  process.stdout.write('ready\n');
  // Both processes start flushing together: the test sends a line on stdin.
  await new Promise((resolve) => process.stdin.once('data', resolve));
  for (let round = 1; round <= job.rounds; round++) {
    const at = new Date(job.baseMs + round * 1000);
    for (const keyId of job.ids) usage.record({ keyId, at, valid: true });
    await usage.flush();
  }
  await usage.stop();
  await db.$disconnect();
  process.stdout.write(`${JSON.stringify({ errors })}\n`);
}

void main();
