/**
 * BENCH_CPU_PROF=<dir>: a CPU profile of this process (the server under test) for each measured
 * run, `<dir>/<scenario>-<round>.cpuprofile`, through the inspector, so seeding and warm-up stay
 * out of it (node --cpu-prof would profile the whole process). Open one in Chrome's DevTools
 * (Performance → Load profile) or VS Code.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import path from 'node:path';

export interface Profiler {
  /** Runs `work` under the profiler and saves the profile as `name`. */
  around<T>(name: string, work: () => Promise<T>): Promise<T>;
}

const post = <R>(session: Session, method: string, params?: object): Promise<R> =>
  new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as R))));

export function createProfiler(dir: string | undefined): Profiler {
  if (!dir) return { around: (_name, work) => work() };
  const session = new Session();
  session.connect();
  return {
    async around(name, work) {
      await mkdir(dir, { recursive: true });
      await post(session, 'Profiler.enable');
      await post(session, 'Profiler.setSamplingInterval', { interval: 200 });
      await post(session, 'Profiler.start');
      try {
        return await work();
      } finally {
        const { profile } = await post<{ profile: object }>(session, 'Profiler.stop');
        await writeFile(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
      }
    },
  };
}
