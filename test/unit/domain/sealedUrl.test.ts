import { openUrl, sealUrl } from '../../../domain/sealedUrl';

const SECRET = 'a-key-hash-secret-of-at-least-32-chars';
const URL = 'https://hooks.slack.com/actions/T0001/123456/AbCdEfGhIjKlMnOp';

describe('sealed response_urls', () => {
  it('hide the URL and open again under the same secret', () => {
    const sealed = sealUrl(URL, SECRET);
    expect(sealed).toMatch(/^sealed:v1:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('hooks.slack.com');
    expect(sealed).not.toContain('AbCdEfGhIjKlMnOp');
    expect(openUrl(sealed, SECRET)).toBe(URL);
  });

  it('differ every time, so two seals of one URL cannot be matched', () => {
    expect(sealUrl(URL, SECRET)).not.toBe(sealUrl(URL, SECRET));
  });

  it('refuse another secret, a flipped bit and a truncated seal', () => {
    const sealed = sealUrl(URL, SECRET);
    expect(() => openUrl(sealed, 'another-secret-of-at-least-32-chars!!')).toThrow();
    const raw = Buffer.from(sealed.slice('sealed:v1:'.length), 'base64url');
    for (const at of [0, 12, 20, raw.length - 1]) {
      const flipped = Buffer.from(raw);
      flipped[at] = (flipped[at] as number) ^ 1;
      expect(() => openUrl(`sealed:v1:${flipped.toString('base64url')}`, SECRET)).toThrow();
    }
    expect(() => openUrl(`sealed:v1:${raw.subarray(0, 20).toString('base64url')}`, SECRET)).toThrow(/truncated/);
  });

  it('let plain https URLs of workflows started before sealing through, and nothing else', () => {
    expect(openUrl(URL, SECRET)).toBe(URL);
    expect(() => openUrl('http://hooks.slack.com/actions/x', SECRET)).toThrow();
    expect(() => openUrl('javascript:alert(1)', SECRET)).toThrow();
    expect(() => openUrl('', SECRET)).toThrow();
  });
});
