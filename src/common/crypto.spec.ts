import { randomBytes } from 'node:crypto';
import { Cipher, contentHash, DecryptionError, deriveKey } from './crypto';

describe('Cipher (AES-256-GCM)', () => {
  const cipher = new Cipher(randomBytes(32));

  it('round-trips and uses a fresh 96-bit IV each time', () => {
    const a = cipher.encrypt('s3cret', 'org:1:int:1');
    const b = cipher.encrypt('s3cret', 'org:1:int:1');
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
    expect(cipher.decrypt(a, 'org:1:int:1').toString()).toBe('s3cret');
  });

  it('refuses a ciphertext bound to another row (different additional data)', () => {
    const sealed = cipher.encrypt('s3cret', 'org:1:int:1');
    expect(() => cipher.decrypt(sealed, 'org:1:int:2')).toThrow(DecryptionError);
  });

  it('refuses a tampered body and a truncated (short) tag', () => {
    const sealed = cipher.encrypt('s3cret', 'aad');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => cipher.decrypt(tampered, 'aad')).toThrow(DecryptionError);
    const shortTag = Buffer.concat([sealed.subarray(0, 13 + 4)]);
    expect(() => cipher.decrypt(shortTag, 'aad')).toThrow(DecryptionError);
  });

  it('refuses another key', () => {
    const sealed = cipher.encrypt('s3cret', 'aad');
    expect(() => new Cipher(randomBytes(32)).decrypt(sealed, 'aad')).toThrow(DecryptionError);
  });
});

describe('contentHash and deriveKey', () => {
  it('is keyed: the same content hashes differently under another key, equally under the same', () => {
    const master = randomBytes(32);
    const k1 = deriveKey(master, 'record-content-hash');
    expect(contentHash(k1, 'x')).toBe(contentHash(deriveKey(master, 'record-content-hash'), 'x'));
    expect(contentHash(k1, 'x')).not.toBe(contentHash(deriveKey(master, 'other'), 'x'));
    expect(contentHash(k1, 'x')).toMatch(/^[0-9a-f]{64}$/);
  });
});
