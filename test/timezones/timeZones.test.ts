/**
 * Expiry does not move with the host's time zone. `npm test` runs this file under
 * TZ=America/Los_Angeles and TZ=Asia/Tokyo (jest.config.js keeps it out of runs on a UTC host),
 * with keyops's PostgreSQL sessions in the same zone, as an embedded cluster made on such a host
 * has them. West of UTC a key read as local time expired hours late; east of it, hours early.
 */
import { createChartRenderer } from '../../api/chartRenderer';
import { CHART_CANVAS, buildUsageChartSpec } from '../../api/usageChartSpec';
import { buildUsageReport } from '../../domain/usageReport';
import { createLogger } from '../../runtime/log';
import { createKeyLifecycles } from '../../temporal/keyLifecycles';
import { keyLifecycleWorkflowId, lifecycleQuery } from '../../workflows/keyLifecycle';
import { eventually } from '../support/eventually';
import type { FakeMessage } from '../../playground/slack';
import { KEY_HASH_SECRET, startHarness, type Harness } from '../support/keyopsHarness';
import { seedKeys } from '../support/seedKeys';

const HOST_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** What the store holds, to the millisecond (timestamptz(3)). */
const inStore = (ms: number): Date => new Date(ms - (ms % 1000) + 123);
const unix = (d: Date): number => Math.floor(d.getTime() / 1000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ displaySeconds: 3, databaseTimeZone: HOST_ZONE });
});
afterAll(async () => {
  await h?.stop();
});

const seed = (keys: Parameters<typeof seedKeys>[1]['keys']) => seedKeys(h.db, { policy: h.policy, keyHashSecret: KEY_HASH_SECRET, keys });

async function list(userId: string): Promise<FakeMessage> {
  const before = h.fake.ephemeralMessages({ userId }).length;
  await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: 'list' });
  return h.fake.waitFor(() => h.fake.ephemeralMessages({ userId })[before]);
}

it('runs on a host that is not on UTC', () => {
  expect(new Date(2026, 0, 1).getTimezoneOffset()).not.toBe(0);
});

describe(`under TZ=${HOST_ZONE}`, () => {
  it('verify answers from the stored instant, with no worker to write EXPIRED', async () => {
    await h.stopWorker();
    try {
      const expiredAt = inStore(Date.now() - HOUR);
      const laterAt = inStore(Date.now() + 2 * HOUR);
      const [expired, live] = await seed([
        { ownerId: 'U0TZVERIFY', name: 'Expired an hour ago', expiresAt: expiredAt },
        { ownerId: 'U0TZVERIFY', name: 'Expires in two hours', expiresAt: laterAt },
      ]);
      expect(await h.verify(expired?.key as string)).toMatchObject({ valid: false, code: 'EXPIRED' });
      expect(await h.verify(live?.key as string)).toMatchObject({ valid: true, code: 'VALID', expiresAt: laterAt.toISOString() });
    } finally {
      await h.startWorker();
    }
  });

  it('/apikey list shows the stored expiry and counts a key as expiring soon by it', async () => {
    const userId = 'U0TZLIST';
    const soonAt = inStore(Date.now() + 2 * DAY);
    // 14 days and 6 hours: outside the "expiring soon" window by less than a zone's offset.
    const laterAt = inStore(Date.now() + 14 * DAY + 6 * HOUR);
    await seed([
      { ownerId: userId, name: 'Soon', expiresAt: soonAt },
      { ownerId: userId, name: 'Later', expiresAt: laterAt },
    ]);
    const text = JSON.stringify((await list(userId)).blocks);
    expect(text).toContain(`<!date^${unix(soonAt)}^`);
    expect(text).toContain(`<!date^${unix(laterAt)}^`);
    expect(text.match(/\*expiring soon\*/g)).toHaveLength(1);
    expect(text.match(/\*active\*/g)).toHaveLength(1);
  });

  it('App Home counts the expiring key and shows the stored expiry', async () => {
    const userId = 'U0TZHOME';
    const soonAt = inStore(Date.now() + 13 * DAY + 18 * HOUR);
    const laterAt = inStore(Date.now() + 14 * DAY + 6 * HOUR);
    await seed([
      { ownerId: userId, name: 'Soon', expiresAt: soonAt },
      { ownerId: userId, name: 'Later', expiresAt: laterAt },
    ]);
    await h.driver.sendEvent({ event: { type: 'app_home_opened', user: userId, channel: 'D0TZHOME', tab: 'home' } });
    const home = await h.fake.waitFor(() => h.fake.homeViewFor(userId));
    const text = JSON.stringify(home.blocks);
    expect(text).toContain('2 active (1 expiring soon)');
    expect(text).toContain(`<!date^${unix(soonAt)}^`);
  });

  it('plans the expiry notices from the stored instant and tells the owner when the key expires', async () => {
    const userId = 'U0TZNOTICE';
    const planned = inStore(Date.now() + 20 * DAY);
    const [distant, shortLived] = await seed([
      { ownerId: userId, name: 'Distant', expiresAt: planned, lastUsedAt: new Date() },
      { ownerId: userId, name: 'Short lived', expiresAt: inStore(Date.now() + 4000), lastUsedAt: new Date() },
    ]);
    const lifecycles = createKeyLifecycles({ client: h.temporal.client });
    await lifecycles.ensureStarted(distant?.id as string);
    const handle = h.temporal.client.workflow.getHandle(keyLifecycleWorkflowId(distant?.id as string));
    const state = await eventually(async () => ((await handle.query(lifecycleQuery)).next ? handle.query(lifecycleQuery) : null), { what: 'the planned notice' });
    expect(state.next).toEqual({ kind: 'expiry_notice', atMs: planned.getTime() - 14 * DAY });

    await lifecycles.ensureStarted(shortLived?.id as string);
    const told = await h.fake.waitFor(() => h.fake.messages().find((m) => m.text.includes('"Short lived" expired')), { timeoutMs: 20_000 });
    expect(JSON.stringify(told.blocks)).toContain('expired on <!date^');
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: shortLived?.id } })).status).toBe('EXPIRED');
  });

  it('/apikey usage counts each day in its UTC calendar month, on both sides of a month boundary', async () => {
    const userId = 'U0TZUSAGE';
    const [key] = await seed([{ ownerId: userId, name: 'Monthly', expiresAt: inStore(Date.now() + 20 * DAY) }]);
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const lastMonthsLastDay = new Date(monthStart.getTime() - DAY);
    // 00:00 UTC on the 1st is the evening of the month before in America/Los_Angeles.
    await h.db.keyUsageDay.createMany({ data: [{ keyId: key?.id as string, day: monthStart, requests: 7 }, { keyId: key?.id as string, day: lastMonthsLastDay, requests: 5 }] });
    const before = h.fake.ephemeralMessages({ userId }).length;
    await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: `usage ${key?.id as string}` });
    const message = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId })[before]);
    const month = (d: Date): string => d.toLocaleString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
    const lines = (JSON.stringify(message.blocks).split('Last 12 months')[1]?.split('```')[1] ?? '').split('\\n');
    expect(lines).toHaveLength(12);
    expect(lines[11]).toMatch(new RegExp(`^${month(monthStart)} +7 +0\\.0% \\(so far\\)$`));
    expect(lines[10]).toMatch(new RegExp(`^${month(lastMonthsLastDay)} +5 +0\\.0%$`));
  });

  it('the usage chart names UTC days and months, even where the month has not turned yet', async () => {
    // 02:00 UTC on December 1st is still November 30th in America/Los_Angeles.
    const now = new Date('2026-12-01T02:00:00Z');
    const report = buildUsageReport({ now, hours: [], days: [{ at: new Date('2026-12-01T00:00:00Z'), requests: 9, errors4xx: 0, errors5xx: 0, latencyBuckets: [] }], minutes: [] });
    const renderer = createChartRenderer({ log: createLogger({ name: 'test', sink: () => undefined }) });
    try {
      const { svg } = await renderer.render({ spec: buildUsageChartSpec({ report, now, monthlyQuota: 1000 }), canvas: CHART_CANVAS });
      const labels = [...svg.matchAll(/<text[^>]*opacity="1"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
      expect(labels).toEqual(expect.arrayContaining(["Jan '26", 'Nov', 'Dec', 'Nov 08', 'Nov 29']));
      expect(labels).not.toContain("Dec '25");
    } finally {
      await renderer.close();
    }
  });
});
