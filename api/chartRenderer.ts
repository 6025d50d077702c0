/**
 * Renders Vega-Lite specs to SVG and PNG on one worker thread (api/chartWorker.ts), started on the
 * first chart and kept: loading Vega costs about a second, a chart then ~100 ms, none of it on the
 * thread that answers verify. A worker that dies fails the charts in flight and is started again
 * for the next one.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../runtime/log';
import type { ChartAnswer, ChartJob } from './chartWorker';

export interface RenderedChart {
  svg: string;
  png: Buffer;
}

export interface ChartRenderer {
  render(chart: { spec: object; canvas: { width: number; height: number } }): Promise<RenderedChart>;
  close(): Promise<void>;
}

/** The worker's entry: the compiled .js in production, the .ts source under tests (run through tsx). */
const ENTRY = path.join(__dirname, `chartWorker${path.extname(__filename)}`);
const BOOT = `const { workerData } = require('node:worker_threads');
if (workerData.register) require(workerData.register);
require(workerData.entry);`;
const workerData = { entry: ENTRY, register: ENTRY.endsWith('.ts') ? require.resolve('tsx/cjs') : null };

export function createChartRenderer(options: { log: Logger }): ChartRenderer {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve(chart: RenderedChart): void; reject(error: Error): void }>();

  const failAll = (error: Error): void => {
    for (const job of pending.values()) job.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const started = new Worker(BOOT, { eval: true, workerData });
    // The API process's shutdown closes it; an idle worker must not keep a process alive either.
    started.unref();
    started.on('message', (answer: ChartAnswer) => {
      const job = pending.get(answer.id);
      if (!job) return;
      pending.delete(answer.id);
      if ('error' in answer) job.reject(new Error(`chart rendering failed: ${answer.error}`));
      else job.resolve({ svg: answer.svg, png: Buffer.from(answer.png) });
    });
    started.on('error', (error) => options.log.error('chart worker failed', { error: error.message }));
    started.on('exit', (code) => {
      if (worker === started) worker = null;
      failAll(new Error(`chart worker exited (code ${code})`));
    });
    return started;
  };

  return {
    render({ spec, canvas }) {
      worker ??= start();
      const running = worker;
      const id = nextId++;
      return new Promise<RenderedChart>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        running.postMessage({ id, spec, canvas } satisfies ChartJob);
      });
    },
    async close() {
      const running = worker;
      worker = null;
      if (running) await running.terminate();
      failAll(new Error('chart renderer closed'));
    },
  };
}
