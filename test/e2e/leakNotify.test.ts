/**
 * Leaks under `leaks.onSlackPaste: notify` and `onPublicLeak: notify`, with no leak channel: the
 * key keeps working, the same people are told, and on-call (each member, by DM) gets a Revoke
 * button that leads to the usual confirmation.
 */
import { RevokeBlocks } from '../../bot/ids';
import { dmChannelFor } from '../../playground/slack/ids';
import { eventually } from '../support/eventually';
import { newGithubSigner, postGithubAlert, signedAlertHeaders, startGithubKeysServer, type GithubKeysServer } from '../support/githubKeys';
import { startHarness, type Harness } from '../support/keyopsHarness';

const ONCALL = 'U0PAGER9';
const POSTER = 'U0POSTER';
const github = newGithubSigner('gh-key-1');
let keys: GithubKeysServer;
let h: Harness;
beforeAll(async () => {
  keys = await startGithubKeysServer([github]);
  h = await startHarness({ githubKeysUrl: keys.url, policy: (p) => ({ ...p, leaks: { onSlackPaste: 'notify', onPublicLeak: 'notify', channel: null } }) });
  h.fake.setUsergroup('S0ONCALL', [ONCALL]);
});
afterAll(async () => {
  await h?.stop();
  await keys?.close();
});

const code = async (key: string): Promise<unknown> => (await h.verify(key)).code;
const dms = (userId: string) => h.fake.messages({ channelId: dmChannelFor(userId) });
const hasButton = (label: string) => (m: { blocks: unknown[] }) => JSON.stringify(m.blocks).includes(`"text":"${label}"`);

it('a paste is reported, not revoked: the poster, the owner and on-call are told, and on-call revokes with one click and a reason', async () => {
  const owner = 'U0OWNNOTE';
  const seeded = await h.seedKey({ ownerId: owner, name: 'Search indexer' });
  const ts = `${Math.floor(Date.now() / 1000)}.000100`;
  await h.driver.sendEvent({ event: { type: 'message', channel: 'C0DEV', channel_type: 'channel', user: POSTER, text: `here: ${seeded.key}`, ts } });

  const posterNotice = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: POSTER, channelId: 'C0DEV' })[0]);
  expect(posterNotice.text).toContain('On-call has been asked to revoke it');
  expect(posterNotice.text).toContain('Please delete your message');
  await h.fake.waitFor(() => dms(owner).find(hasButton('Revoke')));
  const ask = await h.fake.waitFor(() => dms(ONCALL).find(hasButton('Revoke')));
  expect(await code(seeded.key)).toBe('VALID');
  const audit = await h.db.auditEvent.findFirstOrThrow({ where: { action: 'key.leaked', targetId: seeded.id } });
  expect(audit.actorId).toBe('keyops');

  await h.driver.clickButtonInMessage({ userId: ONCALL, message: ask, actionText: 'Revoke' });
  const modal = await h.fake.waitFor(() => h.fake.openViewFor(ONCALL));
  await h.driver.submitView({ userId: ONCALL, view: modal, values: { [RevokeBlocks.reason]: 'pasted in #c0dev' } });
  await eventually(async () => (await code(seeded.key)) === 'REVOKED', { what: 'the key revoked by on-call' });
  expect(h.fake.allText()).not.toContain(seeded.key);
});

it('a public leak is reported to on-call with the URL and GitHub hears true_positive', async () => {
  const owner = 'U0OWNGH';
  const seeded = await h.seedKey({ ownerId: owner });
  const url = 'https://github.com/acme/site/blob/main/app.js#L9';
  const body = JSON.stringify([{ token: seeded.key, type: 'keyops_api_key', url, source: 'content' }]);
  const answer = await postGithubAlert({ url: h.url, body, headers: signedAlertHeaders(github, body) });
  expect(answer.json).toEqual([{ token_raw: seeded.key, token_type: 'keyops_api_key', label: 'true_positive' }]);
  const ask = await h.fake.waitFor(() => dms(ONCALL).find((m) => JSON.stringify(m.blocks).includes(url)));
  expect(hasButton('Revoke')(ask)).toBe(true);
  expect(await code(seeded.key)).toBe('VALID');
});
