/**
 * A key pasted into Slack, end to end: the message event (signed, into the real Bolt app) → the
 * key revoked through the one revocation path → the poster, the owner and the leak channel told,
 * the owner one click from a replacement. Real PostgreSQL and Temporal; Slack faked at its API.
 * And throughout: keyops never repeats the key anywhere.
 */
import { createHmac, randomInt } from 'node:crypto';
import { encodeChecksum } from '../../domain/keyFormat';
import { NOT_LIVE_TEXT } from '../../bot/views/leakMessages';
import type { FakeMessage } from '../../playground/slack';
import { dmChannelFor } from '../../playground/slack/ids';
import { eventually } from '../support/eventually';
import { KEY_HASH_SECRET, startHarness, type Harness } from '../support/keyopsHarness';
import { recordAudit } from '../../db/audit';
import { leakIdFor } from '../../leaks/handleLeak';
import { resumeLeaks } from '../../leaks/resumeLeaks';
import { createLogger } from '../../runtime/log';

const LEAK_CHANNEL = 'C0LEAKS';
const GENERAL = 'C0GENERAL';
const POSTER = 'U0POSTER';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: (p) => ({ ...p, leaks: { ...p.leaks, channel: LEAK_CHANNEL } }) });
});
afterAll(async () => {
  await h?.stop();
});

let seq = 0;
const newOwner = (): string => `U0OWN${String(++seq).padStart(3, '0')}`;
const nextTs = (): string => `${Math.floor(Date.now() / 1000)}.${String(randomInt(1e6)).padStart(6, '0')}`;

async function post(options: { text: string; channel?: string; user?: string; extra?: Record<string, unknown> }): Promise<string> {
  const ts = nextTs();
  const res = await h.driver.sendEvent({ event: { type: 'message', channel: options.channel ?? GENERAL, channel_type: 'channel', user: options.user ?? POSTER, text: options.text, ts, ...options.extra } });
  expect(res.status).toBe(200);
  return ts;
}

const code = async (key: string): Promise<unknown> => (await h.verify(key)).code;
const dmsTo = (userId: string): FakeMessage[] => h.fake.messages({ channelId: dmChannelFor(userId) });
const ephemeralsTo = (userId: string, channelId = GENERAL): FakeMessage[] => h.fake.ephemeralMessages({ userId, channelId });
const blocksText = (m: FakeMessage): string => `${m.text}\n${JSON.stringify(m.blocks)}`;

/** Nothing keyops sent, logged, stored or recorded in Temporal contains the key. */
async function expectNeverRepeated(key: string): Promise<void> {
  expect(h.fake.allText()).not.toContain(key);
  expect(h.logs.join('\n')).not.toContain(key);
  expect(h.dumpDatabase()).not.toContain(key);
  expect(await h.dumpHistories()).not.toContain(key);
}

describe('a live key pasted into a channel', () => {
  it('is revoked at once, the poster asked to delete the message, the owner offered a replacement, the leak channel told', async () => {
    const owner = newOwner();
    const seeded = await h.seedKey({ ownerId: owner, name: 'Billing export', environment: 'staging', scopes: ['read', 'write'] });
    expect(await code(seeded.key)).toBe('VALID');

    await post({ text: `why does this fail?\n\`\`\`curl -H "Authorization: Bearer ${seeded.key}" https://api.example.com\`\`\`` });
    await eventually(async () => (await code(seeded.key)) === 'REVOKED', { timeoutMs: 5000, what: 'the pasted key to verify as REVOKED' });

    const revoked = await h.db.apiKey.findUniqueOrThrow({ where: { id: seeded.id } });
    expect(revoked).toMatchObject({ status: 'REVOKED', revokedBy: 'keyops', revokedReason: 'pasted in #c0general by @u0poster' });
    const audit = await h.db.auditEvent.findMany({ where: { targetId: seeded.id, action: { in: ['key.revoked', 'key.leaked'] } } });
    expect(audit.map((a) => [a.action, a.actorId]).sort()).toEqual([['key.leaked', 'keyops'], ['key.revoked', 'keyops']]);

    const posterNotice = await h.fake.waitFor(() => ephemeralsTo(POSTER).find((m) => m.text.includes(seeded.maskedKey)));
    expect(posterNotice.text).toContain('revoked it');
    expect(posterNotice.text).toContain('Please delete your message');

    const ownerDm = await h.fake.waitFor(() => dmsTo(owner).find((m) => blocksText(m).includes('Get a replacement')));
    expect(blocksText(ownerDm)).toContain(`<#${GENERAL}>`);
    expect(blocksText(ownerDm)).toContain(`<@${POSTER}>`);
    const announcement = await h.fake.waitFor(() => h.fake.messages({ channelId: LEAK_CHANNEL }).find((m) => m.text.includes(seeded.maskedKey)));
    expect(blocksText(announcement)).toContain(`<@${owner}>`);
    // The leak notice replaces the generic "revoked" DM: the owner hears of it once.
    await eventually(async () => (await h.db.auditEvent.count({ where: { action: 'key.leak_told', targetId: seeded.id } })) === 3, { what: 'the three leak messages' });
    expect(dmsTo(owner)).toHaveLength(1);

    // One click: a request for the same name, environment and scopes; staging needs no approval, so the Reveal offer comes.
    await h.driver.clickButtonInMessage({ userId: owner, message: ownerDm, actionText: 'Get a replacement' });
    const offer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: owner }).find((m) => blocksText(m).includes('Reveal key')));
    expect(blocksText(offer)).toContain('Billing export');
    const replacement = await h.db.apiKey.findFirstOrThrow({ where: { ownerId: owner, id: { not: seeded.id } } });
    expect(replacement).toMatchObject({ name: 'Billing export', environment: 'staging', scopes: ['read', 'write'] });
    // A second click starts nothing new.
    await h.driver.clickButtonInMessage({ userId: owner, message: ownerDm, actionText: 'Get a replacement' });
    await h.fake.waitFor(() => h.fake.responses.some((r) => JSON.stringify(r.body).includes('already requested')));
    expect(await h.db.apiKey.count({ where: { ownerId: owner } })).toBe(2);

    await expectNeverRepeated(seeded.key);
  });

  it('is found in a link and in an edited message, and a retried delivery tells nobody twice', async () => {
    const owner = newOwner();
    const seeded = await h.seedKey({ ownerId: owner });
    const ts = nextTs();
    const edit = {
      type: 'message', subtype: 'message_changed', channel: GENERAL, channel_type: 'channel', ts: nextTs(), hidden: true,
      message: { type: 'message', user: POSTER, text: `try <https://api.example.com/v1/ping?api_key=${seeded.key}|this link>`, ts, edited: { user: POSTER, ts: nextTs() } },
      previous_message: { type: 'message', user: POSTER, text: 'try this link', ts },
    };
    await h.driver.sendEvent({ event: edit });
    await h.driver.sendEvent({ event: edit, retryNum: 1 });
    await eventually(async () => (await code(seeded.key)) === 'REVOKED', { timeoutMs: 5000, what: 'the edited-in key to verify as REVOKED' });
    await eventually(async () => (await h.db.auditEvent.count({ where: { action: 'key.leak_told', targetId: seeded.id } })) === 3, { what: 'the three leak messages' });
    expect(ephemeralsTo(POSTER).filter((m) => m.text.includes(seeded.maskedKey))).toHaveLength(1);
    expect(dmsTo(owner)).toHaveLength(1);
    expect(ephemeralsTo(POSTER).filter((m) => m.text === NOT_LIVE_TEXT)).toHaveLength(0);
    await expectNeverRepeated(seeded.key);
  });
});

describe('Slack\'s ack', () => {
  it('does not wait for the key\'s lookup: a message is answered while the database cannot be read', async () => {
    const seeded = await h.seedKey({ ownerId: newOwner() });
    const waitingOnTheLock = async (): Promise<number> =>
      Number((await h.db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%api_keys%key_hash" IN (%'`)[0]?.n ?? 0);
    let ack: { status: number } | 'none' = 'none';
    await h.db.$transaction(
      async (tx) => {
        // Nobody reads api_keys until this transaction ends: the lookup of the pasted key waits here.
        await tx.$executeRawUnsafe('LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE');
        const noAck = new Promise<'none'>((resolve) => setTimeout(() => resolve('none'), 20_000).unref());
        ack = await Promise.race([h.driver.sendEvent({ event: { type: 'message', channel: GENERAL, channel_type: 'channel', user: POSTER, text: `here: ${seeded.key}`, ts: nextTs() } }), noAck]);
        // The ack came, and the scan found the key and went to the database after it.
        if (ack !== 'none') await eventually(async () => (await waitingOnTheLock()) > 0, { timeoutMs: 15_000, what: 'the lookup waiting on the locked table' });
      },
      { timeout: 60_000 },
    );
    expect(ack).not.toBe('none');
    expect(ack).toMatchObject({ status: 200 });
    await eventually(async () => (await code(seeded.key)) === 'REVOKED', { timeoutMs: 10_000, what: 'the key revoked once the table is readable again' });
  });
});

describe('a key stored before hashes named their secret', () => {
  it('is found by its legacy hash and revoked all the same', async () => {
    const owner = newOwner();
    const seeded = await h.seedKey({ ownerId: owner });
    const legacy = createHmac('sha256', KEY_HASH_SECRET).update(seeded.key, 'utf8').digest('hex');
    await h.db.apiKey.update({ where: { id: seeded.id }, data: { keyHash: legacy } });
    await post({ text: seeded.key });
    await eventually(async () => (await h.db.apiKey.findUniqueOrThrow({ where: { id: seeded.id } })).status === 'REVOKED', { what: 'the legacy-hashed key revoked' });
  });
});

describe('a process killed in the middle of a leak', () => {
  it('leaves a recorded leak that the next start-up finishes: revoked, everyone told once', async () => {
    const owner = newOwner();
    const seeded = await h.seedKey({ ownerId: owner });
    const place = { kind: 'slack' as const, teamId: 'T0TEST', channelId: GENERAL, channelType: 'channel' as const, channelName: 'c0general', userId: POSTER, userName: 'u0poster', messageTs: nextTs() };
    const leakId = leakIdFor(place, seeded.id);
    const input = { leakId, keyId: seeded.id, action: 'revoke' as const, revocationId: `lk_${leakId}`, place };
    // What a bot killed right after recording the leak leaves behind.
    await recordAudit(h.db, { actorId: 'keyops', action: 'key.leaked', targetType: 'key', targetId: seeded.id, source: 'slack:T0TEST/C0GENERAL', details: { leakId, input }, dedupeKey: `leak:${leakId}` });
    const deps = { db: h.db, temporal: h.temporal.client, keyHashSecret: KEY_HASH_SECRET, clock: () => new Date(), log: createLogger({ name: 'test', level: 'error' }) };
    const first = await resumeLeaks(deps);
    expect(first.unfinished).toBe(1);
    expect(await code(seeded.key)).toBe('REVOKED');
    await h.fake.waitFor(() => dmsTo(owner).find((m) => blocksText(m).includes('Get a replacement')));
    expect((await resumeLeaks(deps)).unfinished).toBe(0);
    await eventually(async () => (await h.db.auditEvent.count({ where: { action: 'key.leak_told', targetId: seeded.id } })) === 3, { what: 'the three leak messages' });
    expect(dmsTo(owner)).toHaveLength(1);
  });
});

describe('what is not a live key', () => {
  it('tells the poster only that a key which is not live is not live', async () => {
    const owner = newOwner();
    const seeded = await h.seedKey({ ownerId: owner });
    await h.db.apiKey.update({ where: { id: seeded.id }, data: { status: 'REVOKED', revokedAt: new Date(), revokedBy: owner, revokedReason: 'done with it' } });
    const channel = 'C0RANDOM';
    await post({ channel, text: `old key: ${seeded.key}` });
    const reply = await h.fake.waitFor(() => ephemeralsTo(POSTER, channel)[0]);
    expect(reply.text).toBe(NOT_LIVE_TEXT);
    expect(dmsTo(owner)).toHaveLength(0);
    await expectNeverRepeated(seeded.key);
  });

  it('ignores bot messages, keyops\'s own, bad checksums and look-alikes', async () => {
    const owner = newOwner();
    const [fromBot, fromKeyops, marker] = [await h.seedKey({ ownerId: owner }), await h.seedKey({ ownerId: owner }), await h.seedKey({ ownerId: owner })];
    const body = fromBot.key.slice(0, -7);
    const badChecksum = `${body}_${encodeChecksum(body).split('').reverse().join('')}`;
    const channel = 'C0QUIET';
    await post({ channel, text: `deploy log: ${fromBot.key}`, user: 'U0OTHERBOT', extra: { subtype: 'bot_message', bot_id: 'B0OTHER' } });
    await post({ channel, text: `keyops said: ${fromKeyops.key}`, user: 'U0BOT', extra: { bot_id: 'B0BOT' } });
    await post({ channel, text: `typo: ${badChecksum} and a look-alike: ${fromBot.key}x and x${fromBot.key}` });
    // A live key last: once it is handled, the messages before it were too.
    await post({ channel, text: marker.key });
    await eventually(async () => (await code(marker.key)) === 'REVOKED', { timeoutMs: 5000, what: 'the marker key to be revoked' });
    expect(await code(fromBot.key)).toBe('VALID');
    expect(await code(fromKeyops.key)).toBe('VALID');
    const replies = await h.fake.waitFor(() => (ephemeralsTo(POSTER, channel).length > 0 ? ephemeralsTo(POSTER, channel) : undefined));
    expect(replies.every((m) => m.text !== NOT_LIVE_TEXT)).toBe(true);
  });
});
