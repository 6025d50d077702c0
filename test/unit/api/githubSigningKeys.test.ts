import { sign } from 'node:crypto';
import { createGithubSigningKeys } from '../../../api/githubSigningKeys';
import { createLogger } from '../../../runtime/log';
import { newGithubSigner, startGithubKeysServer, type GithubKeysServer } from '../../support/githubKeys';

const log = createLogger({ name: 'test', level: 'error' });
const body = Buffer.from('[{"token":"ko_live_x","type":"t","url":"u","source":"content"}]');
const signature = (signer: ReturnType<typeof newGithubSigner>, data = body): string => sign('sha256', data, signer.privateKey).toString('base64');

let server: GithubKeysServer;
afterEach(async () => {
  await server?.close();
});

describe('GitHub secret scanning signing keys', () => {
  it('accepts GitHub\'s signature and fetches the keys once for many alerts', async () => {
    const current = newGithubSigner('k1');
    server = await startGithubKeysServer([current]);
    const keys = createGithubSigningKeys({ url: server.url, log });
    for (let i = 0; i < 3; i++) expect(await keys.verifyAlert({ identifier: 'k1', signature: signature(current), body })).toBe(true);
    expect(await keys.verifyAlert({ identifier: 'k1', signature: signature(current), body: Buffer.from(`${body.toString()} `) })).toBe(false);
    expect(server.fetches()).toBe(1);
  });

  it('fetches again when GitHub names a key it has rotated to, but not more often than allowed', async () => {
    const old = newGithubSigner('k1');
    const rotated = newGithubSigner('k2');
    server = await startGithubKeysServer([old]);
    let clock = 0;
    const keys = createGithubSigningKeys({ url: server.url, log, refetchIntervalMs: 60_000, now: () => clock });
    expect(await keys.verifyAlert({ identifier: 'k1', signature: signature(old), body })).toBe(true);
    server.serve([rotated, old]);
    clock += 1000;
    // Too soon after the last fetch: a made-up identifier cannot make keyops fetch on every request.
    expect(await keys.verifyAlert({ identifier: 'k2', signature: signature(rotated), body })).toBe(false);
    expect(server.fetches()).toBe(1);
    clock += 60_000;
    expect(await keys.verifyAlert({ identifier: 'k2', signature: signature(rotated), body })).toBe(true);
    expect(await keys.verifyAlert({ identifier: 'k1', signature: signature(old), body })).toBe(true);
    expect(server.fetches()).toBe(2);
  });

  it('fails closed while the keys cannot be fetched', async () => {
    const current = newGithubSigner('k1');
    server = await startGithubKeysServer([current]);
    server.fail(true);
    let clock = 0;
    const keys = createGithubSigningKeys({ url: server.url, log, now: () => clock });
    expect(await keys.verifyAlert({ identifier: 'k1', signature: signature(current), body })).toBe(false);
    server.fail(false);
    clock += 60_000;
    expect(await keys.verifyAlert({ identifier: 'k1', signature: signature(current), body })).toBe(true);
    expect(await keys.verifyAlert({ identifier: undefined, signature: signature(current), body })).toBe(false);
    expect(await keys.verifyAlert({ identifier: 'k1', signature: undefined, body })).toBe(false);
  });
});
