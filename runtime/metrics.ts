/**
 * Prometheus metrics (prom-client), one registry per process, served at GET /metrics by every
 * role. Counters are module-level, as prom-client intends: the code that knows an outcome counts
 * it with one call and needs no wiring. Gauges about the store (keys by status, pending approvals,
 * audited leaks) are read from PostgreSQL when scraped, so every replica reports the same truth
 * without keeping it. The worker appends the Temporal SDK's own metrics (temporal/sdkMetrics.ts).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoreCounts } from '../db/storeCounts';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'keyops_' });

const registers = [metricsRegistry];

export const httpRequestSeconds = new Histogram({
  name: 'keyops_http_request_duration_seconds',
  help: 'HTTP requests by route, method and status',
  labelNames: ['route', 'method', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
});

/**
 * A counter with one label for the verify hot path: `tally(value)` adds to a plain object, and
 * prom-client is given the sums when it is read (a scrape, or `get()`), so a verification does not
 * pay prom-client's label hashing and checks twice.
 */
function talliedCounter<L extends string>(config: { name: string; help: string; label: L }): Counter<L> & { tally(value: string): void } {
  const pending = new Map<string, number>();
  const counter = new Counter<L>({
    name: config.name,
    help: config.help,
    labelNames: [config.label],
    registers,
    collect() {
      for (const [value, n] of pending) if (n > 0) this.inc({ [config.label]: value } as Partial<Record<L, string>>, n);
      pending.clear();
    },
  });
  return Object.assign(counter, { tally: (value: string) => void pending.set(value, (pending.get(value) ?? 0) + 1) });
}

export const verifyOutcomes = talliedCounter({ name: 'keyops_verify_total', help: 'Key verifications (verify and gateway authorize) by answer code', label: 'code' });

export const verifyCacheLookups = talliedCounter({
  name: 'keyops_verify_cache_lookups_total',
  help: 'Verify cache lookups: hit, miss (read from the database) or off (cache suspended, listener down)',
  label: 'result',
});

export const slackApiCalls = new Counter({
  name: 'keyops_slack_api_calls_total',
  help: 'Slack Web API calls by method and outcome (ok, or the Slack error code)',
  labelNames: ['method', 'outcome'] as const,
  registers,
});

export const slackRateLimited = new Counter({
  name: 'keyops_slack_rate_limited_total',
  help: 'Slack Web API answers 429 (each one is retried after Retry-After)',
  labelNames: ['method'] as const,
  registers,
});

export const workflowStarts = new Counter({
  name: 'keyops_workflow_starts_total',
  help: 'Workflow starts by type and outcome (started, already_started, failed); runs that fail are temporal_workflow_failed on the worker',
  labelNames: ['workflow_type', 'outcome'] as const,
  registers,
});

/** Probes the scrape reads: set by the process parts that own the state. */
const probes: { keyChangeListener?: () => boolean; store?: () => Promise<StoreCounts> } = {};

export function setKeyChangeListenerProbe(probe: () => boolean): void {
  probes.keyChangeListener = probe;
}

export function setStoreProbe(probe: () => Promise<StoreCounts>): void {
  probes.store = probe;
}

new Gauge({
  name: 'keyops_key_change_listener_up',
  help: '1 while the verify cache listens for key changes (0: every verification reads the database)',
  registers,
  collect() {
    if (probes.keyChangeListener) this.set(probes.keyChangeListener() ? 1 : 0);
  },
});

/** One store read per scrape serves the three gauges below. */
let storeRead: { at: number; counts: Promise<StoreCounts | null> } | null = null;
function readStore(): Promise<StoreCounts | null> {
  if (!probes.store) return Promise.resolve(null);
  if (!storeRead || Date.now() - storeRead.at > 1000) storeRead = { at: Date.now(), counts: probes.store().catch(() => null) };
  return storeRead.counts;
}

new Gauge({
  name: 'keyops_keys',
  help: 'Keys by status and environment',
  labelNames: ['status', 'environment'] as const,
  registers,
  async collect() {
    const counts = await readStore();
    this.reset();
    for (const row of counts?.keys ?? []) this.set({ status: row.status, environment: row.environment }, row.count);
  },
});

new Gauge({
  name: 'keyops_pending_approvals',
  help: 'Key requests waiting for an approver',
  registers,
  async collect() {
    const counts = await readStore();
    if (counts) this.set(counts.pendingApprovals);
  },
});

new Gauge({
  name: 'keyops_leak_events',
  help: 'Audited leak events (all time) by audit action',
  labelNames: ['action'] as const,
  registers,
  async collect() {
    const counts = await readStore();
    this.reset();
    for (const row of counts?.leakEvents ?? []) this.set({ action: row.action }, row.count);
  },
});

export async function renderMetrics(extra?: () => Promise<string>): Promise<{ contentType: string; body: string }> {
  const own = await metricsRegistry.metrics();
  const more = extra ? await extra().catch(() => '') : '';
  return { contentType: metricsRegistry.contentType, body: more ? `${own}\n${more.trimEnd()}\n` : own };
}
