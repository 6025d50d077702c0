import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { openUrl, sealUrl, type SealContext } from '../../../domain/sealedUrl';

const SECRET = 'a-key-hash-secret-of-at-least-32-chars';
const URL = 'https://hooks.slack.com/actions/T0001/123456/AbCdEfGhIjKlMnOp';
const CLICK: SealContext = { purpose: 'reveal', workflowId: 'key-request-kr_one', clickerId: 'U0OWNER' };

/** A seal as the release before bound seals made it (no associated data, its own key). */
function sealV1(url: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(hkdfSync('sha256', SECRET, 'keyops', 'response_url sealing v1', 32)), iv);
  const body = Buffer.concat([cipher.update(url, 'utf8'), cipher.final()]);
  return `sealed:v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

describe('sealed response_urls', () => {
  it('hide the URL and open again under the same secret, for the same click', () => {
    const sealed = sealUrl(URL, SECRET, CLICK);
    expect(sealed).toMatch(/^sealed:v2:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('hooks.slack.com');
    expect(sealed).not.toContain('AbCdEfGhIjKlMnOp');
    expect(openUrl(sealed, SECRET, CLICK)).toBe(URL);
  });

  it('differ every time, so two seals of one URL cannot be matched', () => {
    expect(sealUrl(URL, SECRET, CLICK)).not.toBe(sealUrl(URL, SECRET, CLICK));
  });

  it('cannot be replayed into another workflow, as another clicker, or as a reply', () => {
    const sealed = sealUrl(URL, SECRET, CLICK);
    expect(() => openUrl(sealed, SECRET, { ...CLICK, workflowId: 'key-request-kr_other' })).toThrow();
    expect(() => openUrl(sealed, SECRET, { ...CLICK, clickerId: 'U0MALLORY' })).toThrow();
    expect(() => openUrl(sealed, SECRET, { purpose: 'reply', clickerId: 'U0OWNER' })).toThrow();
    const reply = sealUrl(URL, SECRET, { purpose: 'reply', clickerId: 'U0OWNER' });
    expect(openUrl(reply, SECRET, { purpose: 'reply', clickerId: 'U0OWNER' })).toBe(URL);
    expect(() => openUrl(reply, SECRET, CLICK)).toThrow();
  });

  it('refuse another secret, a flipped bit and a truncated seal', () => {
    const sealed = sealUrl(URL, SECRET, CLICK);
    expect(() => openUrl(sealed, 'another-secret-of-at-least-32-chars!!', CLICK)).toThrow();
    const raw = Buffer.from(sealed.slice('sealed:v2:'.length), 'base64url');
    for (const at of [0, 12, 20, raw.length - 1]) {
      const flipped = Buffer.from(raw);
      flipped[at] = (flipped[at] as number) ^ 1;
      expect(() => openUrl(`sealed:v2:${flipped.toString('base64url')}`, SECRET, CLICK)).toThrow();
    }
    expect(() => openUrl(`sealed:v2:${raw.subarray(0, 20).toString('base64url')}`, SECRET, CLICK)).toThrow(/truncated/);
  });

  it('refuse any unsealed URL, and an unbound seal, outside a run from before bound seals', () => {
    expect(() => openUrl(URL, SECRET, CLICK)).toThrow(/not a sealed/);
    expect(() => openUrl('https://attacker.example/steal', SECRET, CLICK)).toThrow(/not a sealed/);
    expect(() => openUrl(sealV1(URL), SECRET, CLICK)).toThrow(/not a sealed/);
  });

  it('let a run from before bound seals use its unbound seal or plain Slack URL, and nothing else', () => {
    const legacy = { legacy: true };
    expect(openUrl(URL, SECRET, CLICK, legacy)).toBe(URL);
    expect(openUrl(sealV1(URL), SECRET, CLICK, legacy)).toBe(URL);
    for (const other of ['https://attacker.example/steal', 'https://hooks.slack.com.attacker.example/x', 'http://hooks.slack.com/actions/x', 'javascript:alert(1)', '']) {
      expect(() => openUrl(other, SECRET, CLICK, legacy)).toThrow();
    }
  });
});
