/**
 * The load generator, run in its own process (`node --import tsx bench/loadgen.ts`, forked with
 * IPC) so that it does not share an event loop with the server it measures. It runs one scenario
 * per message: `concurrency` keep-alive connections, each sending its next request as soon as the
 * previous answer arrived, for `durationMs` (or until the bodies run out when `cycle` is false).
 */
import http from 'node:http';
import { summarize, type LatencySummary } from './stats';

export interface Scenario {
  url: string;
  token: string;
  bodies: string[];
  /** Reuse bodies round-robin; otherwise each body is sent once and the run ends when they run out. */
  cycle: boolean;
  concurrency: number;
  durationMs: number;
  /** Every answer must contain this (e.g. `"code":"VALID"`); others count as errors. */
  expect: string;
}

export interface ScenarioResult {
  requests: number;
  errors: number;
  elapsedMs: number;
  perSecond: number;
  latencyMs: LatencySummary;
  ranOut: boolean;
}

export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: scenario.concurrency });
  const target = new URL(scenario.url);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  let ranOut = false;
  const start = performance.now();
  const deadline = start + scenario.durationMs;

  const send = (body: string): Promise<boolean> =>
    new Promise((resolve) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { authorization: `Bearer ${scenario.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(res.statusCode === 200 && text.includes(scenario.expect)));
        },
      );
      req.on('error', () => resolve(false));
      req.end(body);
    });

  const connection = async (): Promise<void> => {
    while (performance.now() < deadline) {
      if (!scenario.cycle && next >= scenario.bodies.length) {
        ranOut = true;
        return;
      }
      const body = scenario.bodies[next++ % scenario.bodies.length] as string;
      const sentAt = performance.now();
      const ok = await send(body);
      latencies.push(performance.now() - sentAt);
      if (!ok) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: scenario.concurrency }, connection));
  const elapsedMs = performance.now() - start;
  agent.destroy();
  return { requests: latencies.length, errors, elapsedMs, perSecond: (latencies.length / elapsedMs) * 1000, latencyMs: summarize(latencies), ranOut };
}

if (require.main === module && process.send) {
  process.on('message', (message: Scenario | 'exit') => {
    if (message === 'exit') return process.exit(0);
    void runScenario(message).then((result) => process.send?.(result));
  });
}
