/**
 * Channel traffic without keys at a steady rate, into the real Bolt app: each message a signed
 * Events API request on its own connection (as Slack delivers them), sent on schedule whether or
 * not the previous one was answered (an open loop, so a slow bot cannot slow the load down).
 */
import { performance } from 'node:perf_hooks';
import type { BenchStack } from './stack';

export interface LoadResult {
  sent: number;
  /** Answers other than 200, and requests that failed outright. */
  errors: number;
  /** The errors by kind: an HTTP status or a socket error's code. */
  errorKinds: Record<string, number>;
  /** Sent → Slack's ack, per message. */
  ackMs: number[];
  wallMs: number;
  /** CPU this process (the load generator and the fake Slack) used, as a share of one core. */
  generatorShare: number;
  /** Sends that left more than 5 ms after their slot: the generator falling behind its own schedule. */
  late: number;
}

export async function sendMessages(h: BenchStack, options: { events: ReadonlyArray<Record<string, unknown>>; perSecond: number; seconds: number }): Promise<LoadResult> {
  const total = Math.round(options.perSecond * options.seconds);
  const intervalMs = 1000 / options.perSecond;
  const result: LoadResult = { sent: 0, errors: 0, errorKinds: {}, ackMs: [], wallMs: 0, generatorShare: 0, late: 0 };
  const inFlight: Array<Promise<void>> = [];
  const fail = (kind: string): void => {
    result.errors += 1;
    result.errorKinds[kind] = (result.errorKinds[kind] ?? 0) + 1;
  };
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const slot = start + i * intervalMs;
    const wait = slot - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (performance.now() - slot > 5) result.late += 1;
    const event = options.events[i % options.events.length] as Record<string, unknown>;
    const sentAt = performance.now();
    result.sent += 1;
    inFlight.push(
      h.driver.sendEvent({ event }).then(
        (res) => {
          result.ackMs.push(performance.now() - sentAt);
          if (res.status !== 200) fail(`HTTP ${res.status}`);
        },
        (error: unknown) => fail(String((error as { code?: unknown }).code ?? error)),
      ),
    );
  }
  await Promise.all(inFlight);
  result.wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  result.generatorShare = (cpu.user + cpu.system) / 1000 / result.wallMs;
  return result;
}
