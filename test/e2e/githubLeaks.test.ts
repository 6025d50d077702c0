/**
 * GitHub secret scanning, as GitHub's partner program delivers it: a signed alert into the real
 * API → feedback for each token → the live key revoked through the one revocation path and its
 * owner told where it was published. The signing keys are this test's own, served locally.
 */
import { encodeChecksum } from '../../domain/keyFormat';
import { dmChannelFor } from '../../playground/slack/ids';
import { eventually } from '../support/eventually';
import { newGithubSigner, postGithubAlert, signedAlertHeaders, startGithubKeysServer, type GithubKeysServer } from '../support/githubKeys';
import { startHarness, type Harness } from '../support/keyopsHarness';
import { contractViolations, type RecordedAnswer } from '../support/openapiContract';

const github = newGithubSigner('gh-key-1');
const stranger = newGithubSigner('gh-key-1'); // same identifier, another key: a forgery
let keys: GithubKeysServer;
let h: Harness;
beforeAll(async () => {
  keys = await startGithubKeysServer([github]);
  h = await startHarness({ githubKeysUrl: keys.url });
});
afterAll(async () => {
  await h?.stop();
  await keys?.close();
});

afterAll(() => {
  expect(answers.length).toBeGreaterThan(0);
  expect(answers.flatMap(contractViolations)).toEqual([]);
});

let seq = 0;
const newOwner = (): string => `U0GH${String(++seq).padStart(3, '0')}`;
const code = async (key: string): Promise<unknown> => (await h.verify(key)).code;
const alertOf = (entries: Array<{ token: string; url?: string }>): string =>
  JSON.stringify(entries.map((e, i) => ({ token: e.token, type: 'keyops_api_key', url: e.url ?? `https://github.com/acme/app/blob/abc123/config.js#L${i + 1}`, source: 'content' })));
/** Every answer the tests receive, held to the OpenAPI document when the file ends. */
const answers: RecordedAnswer[] = [];
const send = (body: string, headers = signedAlertHeaders(github, body)) => postGithubAlert({ url: h.url, body, headers, record: answers });

describe('POST /v1/leaks/github', () => {
  it('refuses anything GitHub did not sign, and changes nothing', async () => {
    const seeded = await h.seedKey({ ownerId: newOwner() });
    const body = alertOf([{ token: seeded.key }]);
    const signed = signedAlertHeaders(github, body);
    const refusals: Array<Record<string, string>> = [
      { 'content-type': 'application/json' },
      { ...signed, 'github-public-key-signature': signedAlertHeaders(stranger, body)['github-public-key-signature'] as string },
      { ...signed, 'github-public-key-identifier': 'gh-key-unknown' },
      { ...signed, 'github-public-key-signature': 'not base64 DER' },
    ];
    for (const headers of refusals) expect((await send(body, headers)).status).toBe(401);
    // Signed, but not this body.
    expect((await send(alertOf([{ token: seeded.key, url: 'https://github.com/other' }]), signed)).status).toBe(401);
    expect(await code(seeded.key)).toBe('VALID');
    expect(await h.db.auditEvent.count({ where: { targetId: seeded.id } })).toBe(0);
  });

  it('answers GitHub\'s feedback, revokes the live key, tells its owner the URL, and does it once however often GitHub retries', async () => {
    const owner = newOwner();
    const live = await h.seedKey({ ownerId: owner, name: 'Mobile backend' });
    const revoked = await h.seedKey({ ownerId: owner });
    await h.db.apiKey.update({ where: { id: revoked.id }, data: { status: 'REVOKED', revokedAt: new Date(), revokedBy: owner, revokedReason: 'old' } });
    const unknown = live.key.slice(0, -7).slice(0, -3) + 'abc';
    const notIssued = `${unknown}_${encodeChecksum(unknown)}`;
    const badChecksum = `${live.key.slice(0, -1)}${live.key.endsWith('0') ? '1' : '0'}`;
    const url = 'https://github.com/acme/app/blob/abc123/.env#L3';
    const body = alertOf([{ token: live.key, url }, { token: revoked.key }, { token: notIssued }, { token: badChecksum }, { token: 'ko_live_lookalike' }]);

    const first = await send(body);
    expect(first.status).toBe(200);
    expect(first.json).toEqual([
      { token_raw: live.key, token_type: 'keyops_api_key', label: 'true_positive' },
      { token_raw: revoked.key, token_type: 'keyops_api_key', label: 'true_positive' },
      { token_raw: notIssued, token_type: 'keyops_api_key', label: 'false_positive' },
      { token_raw: badChecksum, token_type: 'keyops_api_key', label: 'false_positive' },
      { token_raw: 'ko_live_lookalike', token_type: 'keyops_api_key', label: 'false_positive' },
    ]);
    expect(await code(live.key)).toBe('REVOKED');
    const row = await h.db.apiKey.findUniqueOrThrow({ where: { id: live.id } });
    expect(row).toMatchObject({ revokedBy: 'keyops', revokedReason: `published at ${url} (GitHub secret scanning)` });
    const dm = await h.fake.waitFor(() => h.fake.messages({ channelId: dmChannelFor(owner) }).find((m) => JSON.stringify(m.blocks).includes('Get a replacement')));
    expect(JSON.stringify(dm.blocks)).toContain(url);

    const retry = await send(body);
    expect(retry.json).toEqual(first.json);
    await eventually(async () => (await h.db.auditEvent.count({ where: { action: 'key.leak_told', targetId: live.id } })) === 1, { what: 'the owner told' });
    expect(await h.db.auditEvent.count({ where: { action: 'key.revoked', targetId: live.id } })).toBe(1);
    expect(h.fake.messages({ channelId: dmChannelFor(owner) })).toHaveLength(1);
    // Nothing keyops keeps or sends repeats the key (GitHub's own answer names the token it sent).
    expect(h.fake.allText()).not.toContain(live.key);
    expect(h.logs.join('\n')).not.toContain(live.key);
    expect(h.dumpDatabase()).not.toContain(live.key);
    expect(await h.dumpHistories()).not.toContain(live.key);
  });

  it('revokes each live key of one alert with the URL it was found at, a key named twice once', async () => {
    const [first, second] = [newOwner(), newOwner()];
    const a = await h.seedKey({ ownerId: first });
    const b = await h.seedKey({ ownerId: second });
    const urlA = 'https://github.com/acme/app/blob/def456/.env#L1';
    const urlB = 'https://github.com/acme/app/blob/def456/deploy.sh#L9';
    const body = alertOf([{ token: a.key, url: urlA }, { token: b.key, url: urlB }, { token: a.key, url: 'https://github.com/acme/app/blob/def456/README.md#L4' }]);
    const answer = await send(body);
    expect((answer.json as Array<{ label: string }>).map((f) => f.label)).toEqual(['true_positive', 'true_positive', 'true_positive']);
    expect(await h.db.apiKey.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: 'REVOKED', revokedReason: `published at ${urlA} (GitHub secret scanning)` });
    expect(await h.db.apiKey.findUniqueOrThrow({ where: { id: b.id } })).toMatchObject({ status: 'REVOKED', revokedReason: `published at ${urlB} (GitHub secret scanning)` });
    const dmB = await h.fake.waitFor(() => h.fake.messages({ channelId: dmChannelFor(second) })[0]);
    expect(JSON.stringify(dmB.blocks)).toContain(urlB);
    await eventually(async () => (await h.db.auditEvent.count({ where: { action: 'key.leak_told', targetId: a.id } })) === 1, { what: 'the first owner told' });
    expect(h.fake.messages({ channelId: dmChannelFor(first) })).toHaveLength(1);
    expect(await h.db.auditEvent.count({ where: { action: 'key.leaked', targetId: a.id } })).toBe(1);
  });
});
