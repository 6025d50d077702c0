import { mintKey } from '../../../domain/keyFormat';
import { hashKey } from '../../../domain/keyHash';

const SECRET = 'keyops-test-secret-0123456789abcdef';
const OTHER_SECRET = 'keyops-test-secret-0123456789abcdeF';

describe('hashKey', () => {
  it('is HMAC-SHA256 in hex: pinned against an independently computed value (openssl dgst -hmac)', () => {
    // printf 'ko_test_AbCdEfGhIjKlMnOpQrStUvWxYz_000000' | openssl dgst -sha256 -hmac "$SECRET"
    // Changing this silently would orphan every stored key hash.
    expect(hashKey({ key: 'ko_test_AbCdEfGhIjKlMnOpQrStUvWxYz_000000', secret: SECRET })).toBe(
      '3b20340bf0d8050f11728bd70946d8372d066a895fc9a717f722392ff8cd6192',
    );
  });

  it('is deterministic for a key and secret, and 64 lower-case hex characters', () => {
    for (let i = 0; i < 20; i++) {
      const key = mintKey({ prefix: 'ko', envTag: 'live' });
      const hash = hashKey({ key, secret: SECRET });
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(hashKey({ key, secret: SECRET })).toBe(hash);
      expect(hash).not.toContain(key);
    }
  });

  it('differs under a different secret (one character apart)', () => {
    const key = mintKey({ prefix: 'ko', envTag: 'live' });
    expect(hashKey({ key, secret: OTHER_SECRET })).not.toBe(hashKey({ key, secret: SECRET }));
  });

  it('differs for keys that differ by one character, at every position', () => {
    const key = mintKey({ prefix: 'ko', envTag: 'test' });
    const hashes = new Set<string>([hashKey({ key, secret: SECRET })]);
    for (let i = 0; i < key.length; i++) {
      const c = key[i] === 'a' ? 'b' : 'a';
      hashes.add(hashKey({ key: key.slice(0, i) + c + key.slice(i + 1), secret: SECRET }));
    }
    expect(hashes.size).toBe(key.length + 1);
  });

  it('1,000 distinct keys give 1,000 distinct hashes', () => {
    const hashes = new Set<string>();
    for (let i = 0; i < 1000; i++) hashes.add(hashKey({ key: mintKey({ prefix: 'ko', envTag: 'test' }), secret: SECRET }));
    expect(hashes.size).toBe(1000);
  });
});
