/**
 * GET /metrics, parsed by the official Prometheus client's text-format parser (Python's
 * prometheus_client, installed by .ci/run), with lookups by sample name and labels.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export interface PromFamily {
  name: string;
  type: string;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

export interface Scrape {
  text: string;
  families: PromFamily[];
  /** The value of the sample named `sample` (e.g. `x_total`, `y_count`) with these labels; 0 when absent. */
  value(sample: string, labels?: Record<string, string>): number;
}

export function parseExposition(text: string): PromFamily[] {
  const json = execFileSync('python3', [path.join(__dirname, 'promParse.py')], { input: text, encoding: 'utf8' });
  const nonFinite: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
  const families = JSON.parse(json) as Array<Omit<PromFamily, 'samples'> & { samples: Array<{ name: string; labels: Record<string, string>; value: number | string }> }>;
  return families.map((f) => ({ ...f, samples: f.samples.map((s) => ({ ...s, value: typeof s.value === 'string' ? (nonFinite[s.value] ?? NaN) : s.value })) }));
}

export async function scrapeMetrics(baseUrl: string): Promise<Scrape> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const contentType = res.headers.get('content-type') ?? '';
  if (!contentType.startsWith('text/plain; version=0.0.4')) throw new Error(`/metrics content type ${contentType}`);
  const text = await res.text();
  const families = parseExposition(text);
  return {
    text,
    families,
    value(sample, labels = {}) {
      const found = families.flatMap((f) => f.samples).find((s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      return found?.value ?? 0;
    },
  };
}
