/**
 * chat.postMessage once per dedupe key (activities/postOnce.ts), against the real PostgreSQL and
 * the fake Slack: a retry after a crash that lost Slack's answer finds the message instead of
 * posting it again, in a DM and in a thread; one that never reached Slack posts it.
 */
import { postMessageOnce } from '../../activities/postOnce';
import { createSlackGateway, type SlackGateway } from '../../activities/slackGateway';
import { createDb, type Db } from '../../db/client';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { startFakeSlack, type FakeSlack } from '../../playground/slack';

let database: TestDatabase;
let db: Db;
let fake: FakeSlack;
let slack: SlackGateway;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ databaseUrl: database.url, maxConnections: 2 });
  fake = await startFakeSlack();
  slack = createSlackGateway({ botToken: fake.botToken, apiUrl: fake.apiUrl });
});
/** Posts whose "process" died: they settle (fail) only once the fake closes and the client gives up. */
const orphans: Promise<unknown>[] = [];
afterAll(async () => {
  await fake?.close();
  await Promise.all(orphans);
  await db?.$disconnect();
  await database?.drop();
});
beforeEach(() => fake.faults.clearAll());

const deps = (): { db: Db; slack: SlackGateway } => ({ db, slack });

/** Starts a post that Slack applies and never answers, as a process killed right after Slack acted. */
async function postAndLoseTheAnswer(o: Parameters<typeof postMessageOnce>[1], apply: boolean): Promise<void> {
  const hang = fake.faults.arm('chat.postMessage', { kind: 'hang', apply });
  // Never settles before the fake closes; the "process" that sent it is gone.
  orphans.push(postMessageOnce(deps(), o).catch(() => undefined));
  await hang.hit;
}

describe('postMessageOnce', () => {
  it('does not post again when the answer to the first post was lost', async () => {
    const channel = await slack.openDm({ user: 'U0LOST' });
    const o = { dedupeKey: 'test:lost-answer', channel, message: { text: 'Your key was revoked' } };
    await postAndLoseTheAnswer(o, true);
    expect(fake.messages({ channelId: channel })).toHaveLength(1);

    const retried = await postMessageOnce(deps(), o);
    const shown = fake.messages({ channelId: channel });
    expect(shown.map((m) => m.text)).toEqual(['Your key was revoked']);
    expect(retried).toEqual({ channel, ts: shown[0]?.ts });
    // Recorded now: a third attempt asks Slack nothing.
    const calls = fake.calls.length;
    expect(await postMessageOnce(deps(), o)).toEqual(retried);
    expect(fake.calls.length).toBe(calls);
  });

  it('finds a lost reply in its thread', async () => {
    const parent = await slack.postMessage({ channel: 'C0APPROVALS', text: 'A request' });
    const o = { dedupeKey: 'test:thread', channel: 'C0APPROVALS', threadTs: parent.ts, message: { text: 'Escalated' } };
    await postAndLoseTheAnswer(o, true);
    await postMessageOnce(deps(), o);
    expect(fake.messages({ channelId: 'C0APPROVALS' }).map((m) => m.text)).toEqual(['A request', 'Escalated']);
  });

  it('posts when the first attempt never reached Slack', async () => {
    const channel = await slack.openDm({ user: 'U0NEVER' });
    const o = { dedupeKey: 'test:never-posted', channel, message: { text: 'Your key expires soon' } };
    await postAndLoseTheAnswer(o, false);
    expect(fake.messages({ channelId: channel })).toHaveLength(0);
    await postMessageOnce(deps(), o);
    expect(fake.messages({ channelId: channel }).map((m) => m.text)).toEqual(['Your key expires soon']);
  });

  it('keeps messages under different keys apart', async () => {
    const channel = await slack.openDm({ user: 'U0TWO' });
    await postMessageOnce(deps(), { dedupeKey: 'test:a', channel, message: { text: 'Same words' } });
    await postMessageOnce(deps(), { dedupeKey: 'test:b', channel, message: { text: 'Same words' } });
    await postMessageOnce(deps(), { dedupeKey: 'test:a', channel, message: { text: 'Same words' } });
    expect(fake.messages({ channelId: channel })).toHaveLength(2);
  });
});
