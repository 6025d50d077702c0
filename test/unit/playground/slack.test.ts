/**
 * Proves the fake Slack rejects what real Slack rejects, and that the driver's
 * requests are signed and shaped so a real Bolt app accepts them. Every limit
 * is tested at its boundary (the last accepted value and the first rejected
 * one), so a fake that accepted everything or rejected everything would fail.
 */
import { App, LogLevel as BoltLogLevel, verifySlackRequest } from '@slack/bolt';
import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSlackDriver, startFakeSlack, type FakeSlack } from '../../../playground/slack';

const SECRET = 'test-signing-secret';
const noop = (): void => undefined;
const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop, setLevel: noop, getLevel: () => LogLevel.ERROR, setName: noop };

let fake: FakeSlack;
let client: WebClient;

beforeEach(async () => {
  fake = await startFakeSlack({ users: { U1: { name: 'ada', tz: 'Europe/Paris' } } });
  client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silentLogger });
});
afterEach(() => fake.close());

interface SlackErrorData { error: string; response_metadata?: { messages?: string[] } }

/** Resolves to Slack's error body; fails the test if the call succeeded. */
async function slackErrorOf(call: Promise<unknown>): Promise<SlackErrorData> {
  try {
    await call;
  } catch (error) {
    const data = (error as { data?: SlackErrorData }).data;
    if (data) return data;
    throw error;
  }
  throw new Error('expected the Slack call to fail, but it succeeded');
}

const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });
const modal = (title: string) => ({ type: 'modal' as const, title: { type: 'plain_text' as const, text: title }, blocks: [section('hi')] });

/** A stand-in app server that records what the driver sends. */
async function startCapture(reply: (body: string) => { status?: number; body?: string } = () => ({})) {
  const requests: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      const r = reply(body);
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json' }).end(r.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const payloadOf = (body: string): Record<string, unknown> => JSON.parse(new URLSearchParams(body).get('payload') ?? 'null') as Record<string, unknown>;
const hmac = (ts: string, body: string): string => `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
const postJson = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('Web API limits', () => {
  it('rejects a 25-character modal title and accepts 24', async () => {
    const trigger = fake.issueTriggerId('U1');
    const rejected = await slackErrorOf(client.views.open({ trigger_id: trigger, view: modal('x'.repeat(25)) }));
    expect(rejected.error).toBe('invalid_arguments');
    expect(rejected.response_metadata?.messages?.join()).toContain('/view/title/text');
    // The failed call must not burn the trigger, so the corrected view still opens.
    await client.views.open({ trigger_id: trigger, view: modal('x'.repeat(24)) });
    expect(fake.openViewFor('U1')?.view).toMatchObject({ title: { text: 'x'.repeat(24) } });
  });

  it('rejects a 51-block message and accepts 50', async () => {
    const blocks = (n: number) => Array.from({ length: n }, (_, i) => section(`line ${i}`));
    const rejected = await slackErrorOf(client.chat.postMessage({ channel: 'C1', text: 'list', blocks: blocks(51) }));
    expect(rejected).toMatchObject({ error: 'invalid_blocks', response_metadata: { messages: [expect.stringContaining('no more than 50 items')] } });
    expect(fake.messages()).toHaveLength(0);
    const ok = await client.chat.postMessage({ channel: 'C1', text: 'list', blocks: blocks(50) });
    expect(fake.messages({ channelId: 'C1' })).toEqual([expect.objectContaining({ ts: ok.ts, text: 'list' })]);
  });

  it('rejects block-level violations Slack rejects', async () => {
    const button = (text: string, actionId: string) => ({ type: 'button' as const, text: { type: 'plain_text' as const, text }, action_id: actionId });
    const cases: Array<[unknown[], string]> = [
      [[{ type: 'actions', elements: [button('x'.repeat(76), 'a')] }], '/blocks/0/elements/0/text/text'],
      [[{ type: 'actions', elements: [button('one', 'same'), button('two', 'same')] }], 'duplicate action_id'],
      [[{ type: 'input', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input' } }], 'only supported in modals'],
      [[{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }], '/blocks/0/text/text'],
      [[{ type: 'carousel' }], 'unsupported block type'],
    ];
    for (const [blocks, expected] of cases) {
      const rejected = await slackErrorOf(client.apiCall('chat.postMessage', { channel: 'C1', text: 't', blocks }));
      expect(rejected.error).toBe('invalid_blocks');
      expect(rejected.response_metadata?.messages?.join()).toContain(expected);
    }
    await client.chat.postMessage({ channel: 'C1', text: 't', blocks: [{ type: 'actions', elements: [button('x'.repeat(75), 'a')] }] });
    expect(await slackErrorOf(client.chat.postMessage({ channel: 'C1', text: 'x'.repeat(40_001) }))).toMatchObject({ error: 'msg_too_long' });
  });

  it('rejects an expired, a reused and an unknown trigger_id', async () => {
    const expired = fake.issueTriggerId('U1');
    fake.advanceClock(4000);
    expect((await slackErrorOf(client.views.open({ trigger_id: expired, view: modal('Create key') }))).error).toBe('expired_trigger_id');

    const once = fake.issueTriggerId('U1');
    await client.views.open({ trigger_id: once, view: modal('Create key') });
    expect((await slackErrorOf(client.views.open({ trigger_id: once, view: modal('Create key') }))).error).toBe('expired_trigger_id');
    expect((await slackErrorOf(client.views.open({ trigger_id: '123.456.abc', view: modal('Create key') }))).error).toBe('invalid_trigger_id');
  });

  it('cannot chat.update an ephemeral message, but can update a channel message', async () => {
    const { message_ts } = await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'only you' });
    expect(message_ts).toMatch(/^\d+\.\d{6}$/);
    expect((await slackErrorOf(client.chat.update({ channel: 'C1', ts: message_ts ?? '', text: 'edited' }))).error).toBe('message_not_found');

    const posted = await client.chat.postMessage({ channel: 'C1', text: 'v1' });
    await client.chat.update({ channel: 'C1', ts: posted.ts ?? '', text: 'v2' });
    expect(fake.messages()[0]).toMatchObject({ text: 'v2', history: [{ text: 'v1' }, { text: 'v2' }] });
  });

  it('checks the token and rejects unknown methods', async () => {
    const intruder = new WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silentLogger });
    expect((await slackErrorOf(intruder.auth.test())).error).toBe('invalid_auth');
    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: 'U0BOT', team_id: 'T0TEST' });
    expect((await slackErrorOf(client.apiCall('chat.scheduleMessage', {}))).error).toBe('unknown_method');
    expect(await client.users.info({ user: 'U1' })).toMatchObject({ user: { id: 'U1', name: 'ada', tz: 'Europe/Paris' } });
    expect(await client.conversations.open({ users: 'U1' })).toMatchObject({ channel: { id: expect.stringMatching(/^D/) } });
  });

  it('failNext fails exactly the next N calls and records them', async () => {
    fake.failNext('chat.postMessage', 'channel_not_found', 2);
    for (let i = 0; i < 2; i++) expect((await slackErrorOf(client.chat.postMessage({ channel: 'C1', text: 'hi' }))).error).toBe('channel_not_found');
    await client.chat.postMessage({ channel: 'C1', text: 'hi' });
    expect(fake.callsTo('chat.postMessage').map((c) => (c.response as { ok: boolean }).ok)).toEqual([false, false, true]);
    expect(fake.messages()).toHaveLength(1);
  });

  it('injected HTTP faults answer 500, 503 and 429 with Retry-After, apply nothing, then let calls through', async () => {
    const post = (): Promise<Response> => fetch(`${fake.apiUrl}chat.postMessage`, { method: 'POST', headers: { authorization: `Bearer ${fake.botToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'C1', text: 'hi' }) });
    const armed = fake.faults.arm('chat.postMessage', { kind: 'status', status: 503 });
    fake.faults.arm('chat.postMessage', { kind: 'status', status: 500 });
    fake.faults.arm('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 7 });
    expect((await post()).status).toBe(503);
    await expect(armed.hit).resolves.toEqual(expect.any(Number));
    expect((await post()).status).toBe(500);
    const limited = await post();
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    expect(fake.messages()).toHaveLength(0);
    expect((await post()).status).toBe(200);
    expect(fake.messages()).toHaveLength(1);
  });

  it('an injected hang holds the call open, applied or not; an expired response_url answers 404', async () => {
    fake.faults.arm('chat.postMessage', { kind: 'hang', apply: true });
    const held = client.chat.postMessage({ channel: 'C1', text: 'applied' });
    await fake.waitFor(() => fake.messages().length === 1);
    const outcome = await Promise.race([held.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('held'), 300))]);
    expect(outcome).toBe('held');
    fake.faults.arm('response_url', { kind: 'expired' });
    const url = fake.createResponseUrl({ channelId: 'C1', userId: 'U1' });
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'late' }) });
    expect([res.status, await res.text()]).toEqual([404, 'expired_url']);
    expect(fake.ephemeralMessages()).toHaveLength(0);
    held.catch(() => undefined);
  });

  it('waitFor resolves with the value and times out with the recent calls', async () => {
    setTimeout(() => void client.chat.postMessage({ channel: 'C1', text: 'later' }), 30);
    await expect(fake.waitFor(() => fake.messages()[0]?.text)).resolves.toBe('later');
    await expect(fake.waitFor(() => false, { timeoutMs: 50 })).rejects.toThrow(/chat\.postMessage/);
  });
});

describe('response_url', () => {
  it('allows 5 uses, rejects the 6th, and expires after 30 minutes', async () => {
    const url = fake.createResponseUrl({ channelId: 'C1', userId: 'U1' });
    for (let i = 1; i <= 5; i++) expect((await postJson(url, { text: `reply ${i}` })).status).toBe(200);
    const sixth = await postJson(url, { text: 'reply 6' });
    expect([sixth.status, await sixth.text()]).toEqual([404, 'used_url']);
    expect(fake.ephemeralMessages({ userId: 'U1', channelId: 'C1' })).toHaveLength(5);

    const fresh = fake.createResponseUrl({ channelId: 'C1', userId: 'U1' });
    fake.advanceClock(29 * 60 * 1000);
    expect((await postJson(fresh, { text: 'still fine' })).status).toBe(200);
    fake.advanceClock(60 * 1000 + 1);
    const late = await postJson(fresh, { text: 'too late' });
    expect([late.status, await late.text()]).toEqual([404, 'expired_url']);
    expect(fake.responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 404, 200, 404]);
  });

  it('replace_original replaces the clicked message and keeps its history; delete_original deletes it', async () => {
    const { message_ts } = await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'Key created: show once' });
    const url = fake.createResponseUrl({ channelId: 'C1', userId: 'U1', messageTs: message_ts ?? '', ephemeral: true });
    expect((await postJson(url, { replace_original: true, text: 'Key hidden' })).status).toBe(200);
    const [message] = fake.ephemeralMessages({ userId: 'U1' });
    expect(fake.ephemeralMessages()).toHaveLength(1);
    expect(message).toMatchObject({ id: message_ts, text: 'Key hidden', history: [{ text: 'Key created: show once' }, { text: 'Key hidden' }] });

    const invalid = await postJson(url, { replace_original: true, blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'no' } }] });
    expect([invalid.status, await invalid.text()]).toEqual([400, 'invalid_blocks']);
    expect((await postJson(url, { delete_original: true })).status).toBe(200);
    expect(fake.ephemeralMessages()).toHaveLength(0);
    expect(fake.ephemeralMessages({ includeDeleted: true })[0]?.deleted).toBe(true);
    expect(fake.allText()).toContain('Key created: show once');
  });
});

describe('driver', () => {
  it('signs sendCommand and sendRaw exactly like Slack', async () => {
    const app = await startCapture();
    try {
      const driver = createSlackDriver({ fake, url: app.url, signingSecret: SECRET });
      const sent = await driver.sendCommand({ userId: 'U1', channelId: 'C1', text: 'create ci', retryNum: 1 });
      const [request] = app.requests;
      const ts = String(request?.headers['x-slack-request-timestamp']);
      expect(request?.headers['x-slack-signature']).toBe(hmac(ts, request?.body ?? ''));
      expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(5);
      expect(request?.headers).toMatchObject({ 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
      const fields = Object.fromEntries(new URLSearchParams(request?.body));
      expect(fields).toMatchObject({ command: '/apikey', text: 'create ci', user_id: 'U1', user_name: 'ada', channel_id: 'C1', team_id: 'T0TEST', response_url: sent.responseUrl, trigger_id: sent.triggerId });
      expect(sent.elapsedMs).toBeGreaterThan(0);
      // The minted response_url and trigger_id are live in the fake.
      expect((await postJson(sent.responseUrl, { text: 'working' })).status).toBe(200);
      await client.views.open({ trigger_id: sent.triggerId, view: modal('Create key') });

      const old = Math.floor(Date.now() / 1000) - 6 * 60;
      await driver.sendRaw({ body: 'a=1', timestamp: old });
      await driver.sendRaw({ body: 'a=2', signature: null });
      const [, stale, unsigned] = app.requests;
      expect(stale?.headers['x-slack-request-timestamp']).toBe(String(old));
      expect(stale?.headers['x-slack-signature']).toBe(hmac(String(old), 'a=1'));
      expect(unsigned?.headers['x-slack-signature']).toBeUndefined();
      // Bolt's verifier agrees: the fresh signature passes, the 6-minute-old one is stale.
      expect(() => verifySlackRequest({ signingSecret: SECRET, body: request?.body ?? '', headers: { 'x-slack-signature': String(request?.headers['x-slack-signature']), 'x-slack-request-timestamp': Number(ts) } })).not.toThrow();
      expect(() => verifySlackRequest({ signingSecret: SECRET, body: 'a=1', headers: { 'x-slack-signature': hmac(String(old), 'a=1'), 'x-slack-request-timestamp': old } })).toThrow(/stale/);
    } finally {
      await app.close();
    }
  });

  it('clicks a button found by its label, with its real ids, and the response_url targets that message', async () => {
    const app = await startCapture();
    try {
      const driver = createSlackDriver({ fake, url: app.url, signingSecret: SECRET });
      await client.chat.postEphemeral({
        channel: 'C1', user: 'U1', text: 'Revoke?',
        blocks: [section('Revoke key ci?'), { type: 'actions', block_id: 'revoke_actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Revoke' }, action_id: 'revoke', value: 'key_123' }] }],
      });
      const [message] = fake.ephemeralMessages({ userId: 'U1' });
      const click = await driver.clickButtonInMessage({ userId: 'U1', message: message!, actionText: 'Revoke' });
      const payload = payloadOf(app.requests[0]?.body ?? '');
      expect(payload).toMatchObject({
        type: 'block_actions', user: { id: 'U1' }, container: { type: 'message', message_ts: message!.ts, channel_id: 'C1', is_ephemeral: true },
        actions: [{ type: 'button', action_id: 'revoke', block_id: 'revoke_actions', value: 'key_123' }], response_url: click.responseUrl,
      });
      expect(payload.message).toBeUndefined();
      await postJson(click.responseUrl ?? '', { replace_original: true, text: 'Revoked' });
      expect(fake.ephemeralMessages()).toEqual([expect.objectContaining({ id: message!.id, text: 'Revoked', blocks: [] })]);
      await expect(driver.clickButtonInMessage({ userId: 'U1', message: message!, actionText: 'Nope' })).rejects.toThrow(/no button Nope/);
    } finally {
      await app.close();
    }
  });

  it('submits a view with Slack state shapes and applies the ack', async () => {
    const acks = [JSON.stringify({ response_action: 'errors', errors: { name: 'taken' } }), ''];
    const app = await startCapture(() => ({ body: acks.shift() ?? '' }));
    try {
      const driver = createSlackDriver({ fake, url: app.url, signingSecret: SECRET });
      const opt = (v: string) => ({ text: { type: 'plain_text' as const, text: v.toUpperCase() }, value: v });
      await client.views.open({
        trigger_id: fake.issueTriggerId('U1'),
        view: {
          type: 'modal', callback_id: 'create_key', private_metadata: '{"env":"prod"}', title: { type: 'plain_text', text: 'New key' }, submit: { type: 'plain_text', text: 'Create' },
          blocks: [
            { type: 'input', block_id: 'name', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input', action_id: 'name_input' } },
            { type: 'input', block_id: 'env', label: { type: 'plain_text', text: 'Env' }, element: { type: 'static_select', action_id: 'env_select', options: [opt('dev'), opt('prod')] } },
            { type: 'input', block_id: 'scopes', label: { type: 'plain_text', text: 'Scopes' }, element: { type: 'checkboxes', action_id: 'scopes_cb', options: [opt('read'), opt('write')] } },
            { type: 'input', block_id: 'note', optional: true, label: { type: 'plain_text', text: 'Note' }, element: { type: 'plain_text_input', action_id: 'note_input' } },
          ],
        },
      });
      const view = fake.openViewFor('U1')!;
      await expect(driver.submitView({ userId: 'U1', view, values: { name: 'ci', env: 'staging' } })).rejects.toThrow(/not offered/);
      await expect(driver.submitView({ userId: 'U1', view, values: { env: 'dev' } })).rejects.toThrow(/name: required input is empty/);

      await driver.submitView({ userId: 'U1', view, values: { name: 'ci', env: 'prod', scopes: ['read', 'write'] } });
      const payload = payloadOf(app.requests[0]?.body ?? '');
      expect(payload).toMatchObject({ type: 'view_submission', view: { id: view.id, callback_id: 'create_key', private_metadata: '{"env":"prod"}', hash: view.hash }, response_urls: [] });
      expect((payload.view as { state: unknown }).state).toEqual({
        values: {
          name: { name_input: { type: 'plain_text_input', value: 'ci' } },
          env: { env_select: { type: 'static_select', selected_option: opt('prod') } },
          scopes: { scopes_cb: { type: 'checkboxes', selected_options: [opt('read'), opt('write')] } },
          note: { note_input: { type: 'plain_text_input', value: null } },
        },
      });
      expect(fake.openViewFor('U1')?.id).toBe(view.id); // response_action errors keeps it open
      await driver.submitView({ userId: 'U1', view, values: { name: 'ci2', env: 'dev', scopes: ['read'] } });
      expect(fake.openViewFor('U1')).toBeUndefined(); // an empty ack closes it
    } finally {
      await app.close();
    }
  });
});

describe('against a real Bolt app', () => {
  it('runs command → modal → submission → ephemeral button → respond(replace_original)', async () => {
    const submitted: unknown[] = [];
    const app = new App({ token: fake.botToken, signingSecret: SECRET, logLevel: BoltLogLevel.ERROR, clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } } });
    app.command('/apikey', async ({ ack, body, client: web }) => {
      await ack();
      await web.views.open({
        trigger_id: body.trigger_id,
        view: { type: 'modal', callback_id: 'create', title: { type: 'plain_text', text: 'New key' }, submit: { type: 'plain_text', text: 'Create' }, private_metadata: body.channel_id, blocks: [{ type: 'input', block_id: 'name', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input', action_id: 'v' } }] },
      });
    });
    app.view('create', async ({ ack, view, body, client: web }) => {
      await ack();
      submitted.push(view.state.values);
      await web.chat.postEphemeral({ channel: view.private_metadata, user: body.user.id, text: 'Created', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'hide', text: { type: 'plain_text', text: 'Hide' } }] }] });
    });
    app.action('hide', async ({ ack, respond }) => {
      await ack();
      await respond({ replace_original: true, text: 'Hidden' });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    try {
      const driver = createSlackDriver({ fake, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, signingSecret: SECRET });
      expect((await driver.sendCommand({ userId: 'U1', channelId: 'C1', text: 'new' })).status).toBe(200);
      const view = await fake.waitFor(() => fake.openViewFor('U1'));
      expect((await driver.submitView({ userId: 'U1', view, values: { name: 'ci' } })).status).toBe(200);
      expect(submitted).toEqual([{ name: { v: { type: 'plain_text_input', value: 'ci' } } }]);
      const message = await fake.waitFor(() => fake.ephemeralMessages({ userId: 'U1' })[0]);
      await driver.clickButtonInMessage({ userId: 'U1', message, actionId: 'hide' });
      await fake.waitFor(() => message.text === 'Hidden');
      expect(message.history.map((v) => v.text)).toEqual(['Created', 'Hidden']);
      expect((await driver.sendRaw({ body: 'command=%2Fapikey', signature: null })).status).toBe(401);
      expect((await driver.sendRaw({ body: 'command=%2Fapikey', timestamp: Math.floor(Date.now() / 1000) - 360 })).status).toBe(401);
    } finally {
      await app.stop();
    }
  });
});
