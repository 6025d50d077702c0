/**
 * The load generator, run in its own process (`node --import tsx bench/loadgen.ts`, forked with
 * IPC) so that it does not share an event loop with the server it measures. It receives named
 * sets of request bodies once, then runs one scenario per message: `concurrency` keep-alive
 * connections, each sending its next request as soon as the previous answer arrived, for
 * `durationMs` (or until the set runs out when `cycle` is false). A set's position is kept from
 * one run to the next, so a set used without cycling never repeats a body.
 */
import http from 'node:http';

export interface Scenario {
  url: string;
  token: string;
  /** The name of a body set sent earlier. */
  set: string;
  /** Reuse bodies round-robin; otherwise each body is sent once and the run ends when they run out. */
  cycle: boolean;
  concurrency: number;
  durationMs: number;
  /** Every answer must contain this (e.g. `"code":"VALID"`); others count as errors. */
  expect: string;
}

export interface ScenarioResult {
  errors: number;
  elapsedMs: number;
  /** One per request, in milliseconds. */
  latencies: number[];
  ranOut: boolean;
}

export type LoadMessage = { type: 'bodies'; set: string; bodies: string[] } | { type: 'run'; scenario: Scenario } | { type: 'exit' };

const sets = new Map<string, { bodies: string[]; next: number }>();

export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const set = sets.get(scenario.set);
  if (!set) throw new Error(`no body set "${scenario.set}"`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: scenario.concurrency });
  const target = new URL(scenario.url);
  const latencies: number[] = [];
  let errors = 0;
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
      if (!scenario.cycle && set.next >= set.bodies.length) {
        ranOut = true;
        return;
      }
      const body = set.bodies[set.next++ % set.bodies.length] as string;
      const sentAt = performance.now();
      const ok = await send(body);
      latencies.push(performance.now() - sentAt);
      if (!ok) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: scenario.concurrency }, connection));
  const elapsedMs = performance.now() - start;
  agent.destroy();
  return { errors, elapsedMs, latencies, ranOut };
}

if (require.main === module && process.send) {
  process.on('message', (message: LoadMessage) => {
    if (message.type === 'exit') return process.exit(0);
    if (message.type === 'bodies') {
      sets.set(message.set, { bodies: message.bodies, next: 0 });
      return process.send?.({ loaded: message.set });
    }
    void runScenario(message.scenario).then((result) => process.send?.(result));
  });
}
