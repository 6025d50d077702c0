/**
 * The Slack surface end to end: signed requests into the real Bolt app, a real PostgreSQL and a
 * real Temporal dev server; only Slack's Web API is fake.
 */
import { signSlackRequest } from '../../playground/slack';
import { SIGNING_SECRET, startHarness, type Harness } from '../support/keyopsHarness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const commandBody = (text: string): string =>
  new URLSearchParams({ command: '/apikey', text, user_id: 'U0DEV', channel_id: 'C0GENERAL', team_id: 'T0TEST', trigger_id: 'x', response_url: 'http://127.0.0.1:9/none' }).toString();

describe('the Slack endpoint', () => {
  it('answers a signed /apikey help with the usage of every subcommand', async () => {
    const result = await h.driver.sendCommand({ userId: 'U0DEV', channelId: 'C0GENERAL', text: 'help' });
    expect(result.status).toBe(200);
    const text = JSON.stringify(result.json);
    for (const sub of ['new', 'list', 'rotate <key>', 'revoke <key>', 'usage <key>', 'approvals', 'help']) expect(text).toContain(`/apikey ${sub}`);
    expect(result.json).toMatchObject({ response_type: 'ephemeral' });
  });

  it('treats an empty /apikey as help', async () => {
    const result = await h.driver.sendCommand({ userId: 'U0DEV', channelId: 'C0GENERAL', text: '' });
    expect(JSON.stringify(result.json)).toContain('/apikey new');
  });

  it.each<[string, { signature?: string | null; timestamp?: number }]>([
    ['unsigned', { signature: null }],
    ['wrongly signed', { signature: signSlackRequest('not-the-secret', commandBody('help'), Math.floor(Date.now() / 1000)) }],
    ['six minutes old', { timestamp: Math.floor(Date.now() / 1000) - 360 }],
  ])('refuses %s requests with 401 and calls no Web API method', async (_name, overrides) => {
    const callsBefore = h.fake.calls.length;
    const responsesBefore = h.fake.responses.length;
    const body = commandBody('new');
    const timestamp = overrides.timestamp ?? Math.floor(Date.now() / 1000);
    const signature = overrides.signature === undefined ? signSlackRequest(SIGNING_SECRET, body, timestamp) : overrides.signature;
    const result = await h.driver.sendRaw({ body, contentType: 'application/x-www-form-urlencoded', timestamp, signature });
    expect(result.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.fake.calls.length).toBe(callsBefore);
    expect(h.fake.responses.length).toBe(responsesBefore);
  });

  it('accepts the same request when it is signed correctly (the refusals above are about the signature)', async () => {
    const body = commandBody('help');
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await h.driver.sendRaw({ body, contentType: 'application/x-www-form-urlencoded', timestamp, signature: signSlackRequest(SIGNING_SECRET, body, timestamp) });
    expect(result.status).toBe(200);
  });

  it('says which subcommands are not available yet instead of failing silently', async () => {
    const result = await h.driver.sendCommand({ userId: 'U0DEV', channelId: 'C0GENERAL', text: 'frobnicate' });
    expect(result.status).toBe(200);
    const reply = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: 'U0DEV' }).find((m) => m.text.includes('frobnicate')));
    expect(reply.text).toContain('/apikey help');
  });
});

describe('health', () => {
  it('answers 200 when the database and Temporal answer, and says whether the verify cache is on', async () => {
    const res = await fetch(`${h.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { shutdown: 'ok', database: 'ok', temporal: 'ok', verifyCache: 'ok' } });
  });
});
