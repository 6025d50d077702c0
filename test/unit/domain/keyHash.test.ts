import { mintKey } from '../../../domain/keyFormat';
import { hashKey, keyHashCandidates, keyHashId } from '../../../domain/keyHash';

const SECRET = 'keyops-test-secret-0123456789abcdef';
const OTHER_SECRET = 'keyops-test-secret-0123456789abcdeF';

describe('hashKey', () => {
  it('is HMAC-SHA256 under an HKDF-derived key, named by its secret\'s id: pinned against openssl', () => {
    // DK=$(openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt key:"$SECRET" -kdfopt salt:keyops -kdfopt info:"keyops key hashing v2" HKDF | tr -d :)
    // printf 'ko_test_AbCdEfGhIjKlMnOpQrStUvWxYz_000000' | openssl dgst -sha256 -mac HMAC -macopt hexkey:$DK
    // printf 'keyops key hash id' | openssl dgst -sha256 -mac HMAC -macopt hexkey:$DK   (first 8 hex: the id)
    // Changing this silently would orphan every stored key hash.
    expect(hashKey({ key: 'ko_test_AbCdEfGhIjKlMnOpQrStUvWxYz_000000', secret: SECRET })).toBe(
      'k38d1b4e6$a7c4995dfdd62828e8b34926b8f01e9573895c714ae85f8ad702af9e865f2a34',
    );
  });

  it('still finds hashes stored before ids: the bare HMAC under the secret itself (openssl dgst -hmac)', () => {
    // printf 'ko_test_AbCdEfGhIjKlMnOpQrStUvWxYz_000000' | openssl dgst -sha256 -hmac "$SECRET"
    expect(keyHashCandidates({ key: 'ko_test_AbCdEfGhIjKlMnOpQrStUvWxYz_000000', secret: SECRET })).toContain(
      '3b20340bf0d8050f11728bd70946d8372d066a895fc9a717f722392ff8cd6192',
    );
  });

  it('rotates: new keys under the current secret, keys under a previous one still found, current form first', () => {
    const key = mintKey({ prefix: 'ko', envTag: 'live' });
    const underOld = hashKey({ key, secret: OTHER_SECRET });
    const candidates = keyHashCandidates({ key, secret: SECRET, previous: [OTHER_SECRET] });
    expect(candidates[0]).toBe(hashKey({ key, secret: SECRET }));
    expect(candidates).toContain(underOld);
    expect(underOld.startsWith(`${keyHashId(OTHER_SECRET)}$`)).toBe(true);
    expect(keyHashId(OTHER_SECRET)).not.toBe(keyHashId(SECRET));
    expect(keyHashCandidates({ key, secret: SECRET })).not.toContain(underOld);
  });

  it('is deterministic for a key and secret: the id, then 64 lower-case hex characters', () => {
    for (let i = 0; i < 20; i++) {
      const key = mintKey({ prefix: 'ko', envTag: 'live' });
      const hash = hashKey({ key, secret: SECRET });
      expect(hash).toMatch(/^k[0-9a-f]{8}\$[0-9a-f]{64}$/);
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
