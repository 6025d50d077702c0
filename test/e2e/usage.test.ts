/**
 * `/apikey usage <key>` end to end: real Bolt, PostgreSQL and Temporal, Slack faked at its API.
 * Usage rows are stored as the API's flush writes them, so the message's numbers are known.
 */
import type { FakeMessage } from '../../playground/slack';
import { startHarness, type Harness } from '../support/keyopsHarness';

const ADMIN = 'U0ADMIN'; // listed directly in the example policy
const VIEWER = 'U0VIEWER';
const CHANNEL = 'C0USAGE';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: (p) => ({ ...p, roles: { ...p.roles, viewers: [VIEWER] } }) });
});
afterAll(async () => {
  await h?.stop();
});

async function usage(userId: string, text: string): Promise<FakeMessage> {
  const seen = new Set(h.fake.ephemeralMessages({ userId }).map((m) => m.id));
  const ack = await h.driver.sendCommand({ userId, channelId: CHANNEL, text: `usage ${text}` });
  expect(ack.status).toBe(200);
  return h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => !seen.has(m.id)));
}

const shown = (m: FakeMessage): string => `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;

describe('/apikey usage <key>', () => {
  it('shows the owner requests, errors and latency of their key, by id, masked form or full key', async () => {
    const owner = 'U0OWNUSE1';
    const seeded = await h.seedKey({ ownerId: owner, name: 'Orders sync', environment: 'production' });
    const now = Date.now();
    const hour = new Date(now - (now % 3_600_000));
    const day = new Date(now - (now % 86_400_000));
    const buckets = [90, 0, 0, 0, 0, 0, 8, 0, 0, 2, 0, 0];
    await h.db.keyUsageHour.create({ data: { keyId: seeded.id, hour, requests: 100, errors4xx: 4, errors5xx: 1, latencyBuckets: buckets } });
    await h.db.keyUsageDay.create({ data: { keyId: seeded.id, day, requests: 100, errors4xx: 4, errors5xx: 1, latencyBuckets: buckets } });

    for (const name of [seeded.id, seeded.maskedKey, seeded.key]) {
      const text = shown(await usage(owner, name));
      expect(text).toContain('Orders sync');
      expect(text).toContain('100 requests in the last 24 hours, 100 in the last 30 days');
      expect(text).toContain('4xx 4.0% · 5xx 1.0% of 100 reported responses');
      expect(text).toContain('p50 ≤ 5 ms · p95 ≤ 500 ms · p99 ≤ 5 s');
      expect(text).toContain('200/s, burst 400');
      expect(text).not.toContain(seeded.key);
    }
    expect(h.logs.join('\n')).not.toContain(seeded.key);
  });

  it('finds a key by the masked form its owner reads off the end of the key, and an older key by its stored form', async () => {
    const owner = 'U0OWNUSE3';
    const seeded = await h.seedKey({ ownerId: owner, name: 'Invoice mailer', environment: 'production' });
    // What the owner sees in their config: ko_live_<random>_<checksum>; the masked form ends the same way.
    const [prefix, tag] = seeded.key.split('_');
    for (const typed of [`${prefix}_${tag}_...${seeded.key.slice(-4)}`, `${prefix}_${tag}_…${seeded.key.slice(-4)}`]) {
      expect(shown(await usage(owner, typed))).toContain('Invoice mailer');
    }
    // Keys masked before the rule keep their stored display form, and are found by it.
    const older = await h.seedKey({ ownerId: owner, name: 'Legacy cron', environment: 'production', maskedKey: `${prefix}_${tag}_…Lg9q` });
    for (const typed of [`${prefix}_${tag}_...Lg9q`, older.maskedKey]) expect(shown(await usage(owner, typed))).toContain('Legacy cron');
  });

  it('does not show a developer another developer\'s usage, but shows it to admins and viewers', async () => {
    const seeded = await h.seedKey({ ownerId: 'U0OWNUSE2', name: 'Private thing' });
    for (const name of [seeded.id, seeded.key, seeded.maskedKey]) {
      const text = shown(await usage('U0NOSY001', name));
      expect(text).toContain('your own keys only');
      expect(text).not.toContain('Private thing');
    }
    expect(shown(await usage(ADMIN, seeded.id))).toContain('Private thing');
    expect(shown(await usage(VIEWER, seeded.id))).toContain('Private thing');
  });

  it('explains what to give when the argument is not one key', async () => {
    expect(shown(await usage('U0OWNUSE3', ''))).toContain('Which key?');
    expect(shown(await usage('U0OWNUSE3', 'env:production'))).toContain('one key at a time');
    expect(shown(await usage('U0OWNUSE3', 'key_ZZZZZZZZZZZZZZZZ'))).toContain('No key in keyops matches that');
  });
});
