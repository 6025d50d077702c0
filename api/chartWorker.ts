/**
 * The chart renderer's worker thread (api/chartRenderer.ts starts it): Vega-Lite spec → Vega →
 * SVG (headless: Vega's SVG renderer needs no canvas) → PNG with resvg, text set in DejaVu Sans
 * from the dejavu-fonts-ttf package, so no system font is needed (the production image has none).
 *
 * It is a worker because a chart costs ~100 ms of CPU and the API process is where verify answers
 * in a millisecond or two, and because Vega is ESM with a top-level await (vega-canvas probes for
 * the optional `canvas` package), which only a real `import()` can load: this file is compiled to
 * CommonJS, where TypeScript would turn `import()` into `require()`.
 */
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';

export interface ChartJob {
  id: number;
  spec: object;
  /** The image's size: the chart is drawn from the top left corner, never cut (a larger chart keeps its own size). */
  canvas: { width: number; height: number };
}

export type ChartAnswer = { id: number; svg: string; png: Uint8Array } | { id: number; error: string };

// A real dynamic import, kept from the CommonJS compiler (see above). Its argument is a fixed package path.
const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;

type Vega = { parse(spec: object): unknown; View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void } };
type VegaLite = { compile(spec: object): { spec: object } };

/** TrueType files: resvg's native build reads TTF/OTF from paths (it takes no WOFF2, nor buffers). */
const FONT_FILES = ['dejavu-fonts-ttf/ttf/DejaVuSans.ttf', 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'];

/**
 * Vega sizes an SVG to its marks' bounds, which move by a pixel or two with the numbers on the axes;
 * a fixed canvas gives every chart one size.
 */
export function onCanvas(svg: string, canvas: ChartJob['canvas']): string {
  const root = /^<svg [^>]*width="([\d.]+)" height="([\d.]+)" viewBox="0 0 [\d.]+ [\d.]+"/.exec(svg);
  if (!root || Number(root[1]) > canvas.width || Number(root[2]) > canvas.height) return svg;
  const [opening] = root;
  return opening.replace(/width="[\d.]+" height="[\d.]+" viewBox="[^"]+"/, `width="${canvas.width}" height="${canvas.height}" viewBox="0 0 ${canvas.width} ${canvas.height}"`) + svg.slice(opening.length);
}

async function loadRenderer(): Promise<(job: ChartJob) => Promise<{ svg: string; png: Uint8Array }>> {
  const vega = (await importEsm(pathToFileURL(require.resolve('vega')).href)) as unknown as Vega;
  const vegaLite = (await importEsm(pathToFileURL(require.resolve('vega-lite')).href)) as unknown as VegaLite;
  const fontFiles = FONT_FILES.map((file) => require.resolve(file));
  return async (job) => {
    const view = new vega.View(vega.parse(vegaLite.compile(job.spec).spec), { renderer: 'none' });
    try {
      const svg = onCanvas(await view.toSVG(), job.canvas);
      const png = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles, defaultFontFamily: 'DejaVu Sans' }, background: 'white' }).render().asPng();
      return { svg, png };
    } finally {
      view.finalize();
    }
  };
}

const port = parentPort;
if (port) {
  const renderer = loadRenderer();
  // Jobs run one at a time: the main thread queues them, and one render never waits on I/O.
  port.on('message', (job: ChartJob) => {
    void renderer
      .then((render) => render(job))
      .then(
        ({ svg, png }) => port.postMessage({ id: job.id, svg, png } satisfies ChartAnswer),
        (error: unknown) => port.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) } satisfies ChartAnswer),
      );
  });
}
