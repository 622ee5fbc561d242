import { createHash } from 'node:crypto';
import { parseEncryptionKey, SecretBox } from './secret-box';

const KEY = createHash('sha256').update('secret-box-test-key').digest();
const OTHER_KEY = createHash('sha256').update('another-key').digest();

/** Flips one bit of one base64url part of a sealed value, at the byte level so the change is real. */
function tamper(sealed: string, part: 1 | 2 | 3, byteIndex = 0): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part], 'base64url');
  bytes[byteIndex] ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Sets the lowest of the bits the last character of unpadded base64url leaves unused (16 or 32 bytes: 2 bits). */
function withUnusedBitSet(encoded: string): string {
  return encoded.slice(0, -1) + BASE64URL_ALPHABET[BASE64URL_ALPHABET.indexOf(encoded.slice(-1)) ^ 1];
}

describe(SecretBox.name, () => {
  const box = new SecretBox(KEY);

  it('opens what it sealed, including empty and non-ASCII text', () => {
    for (const plaintext of ['JBSWY3DPEHPK3PXP', '', 'zoë 🔑 秘密', 'x'.repeat(10_000)]) {
      expect(box.open(box.seal(plaintext))).toBe(plaintext);
    }
  });

  it('seals as v1.<iv>.<ciphertext>.<tag> with a 12-byte IV and a 16-byte tag', () => {
    const [version, iv, ciphertext, tag, ...rest] = box.seal('hello').split('.');
    expect(version).toBe('v1');
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(ciphertext, 'base64url')).toHaveLength(5);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(rest).toEqual([]);
    expect(box.seal('hello')).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('gives a different IV and ciphertext each time the same text is sealed', () => {
    const sealed = Array.from({ length: 20 }, () => box.seal('same secret'));
    expect(new Set(sealed).size).toBe(20);
    expect(new Set(sealed.map((s) => s.split('.')[1])).size).toBe(20);
    expect(new Set(sealed.map((s) => s.split('.')[2])).size).toBe(20);
  });

  it('opens with a new instance built from the same key', () => {
    expect(new SecretBox(Buffer.from(KEY)).open(box.seal('portable'))).toBe('portable');
  });

  it.each([
    ['the IV', 1 as const],
    ['the ciphertext', 2 as const],
    ['the tag', 3 as const],
  ])('refuses a value with a flipped bit in %s', (_name, part) => {
    const sealed = box.seal('a TOTP secret');
    expect(() => box.open(tamper(sealed, part))).toThrow(/authentication failed/);
    expect(() => box.open(tamper(sealed, part, part === 2 ? 12 : 11))).toThrow(/authentication failed/);
  });

  it('refuses a value sealed under another key', () => {
    expect(() => new SecretBox(OTHER_KEY).open(box.seal('a TOTP secret'))).toThrow(/authentication failed .*key is wrong/);
  });

  it('refuses a truncated tag', () => {
    const parts = box.seal('a TOTP secret').split('.');
    parts[3] = Buffer.from(parts[3], 'base64url').subarray(0, 12).toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow(/16-byte tag/);
  });

  it('refuses ciphertext moved under another IV and tag', () => {
    const [, iv, , tag] = box.seal('first').split('.');
    const [, , ciphertext] = box.seal('other').split('.');
    expect(() => box.open(['v1', iv, ciphertext, tag].join('.'))).toThrow(/authentication failed/);
  });

  it.each([
    ['an empty string', ''],
    ['plain text', 'JBSWY3DPEHPK3PXP'],
    ['an unknown version', 'v2.AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA'],
    ['too few parts', 'v1.AAAAAAAAAAAAAAAA.AA'],
    ['too many parts', 'v1.AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA.AA'],
  ])('refuses %s as malformed', (_name, sealed) => {
    expect(() => box.open(sealed)).toThrow(/expected the form v1\.<iv>\.<ciphertext>\.<tag>/);
  });

  it('refuses parts that are not canonical base64url', () => {
    const parts = box.seal('a TOTP secret').split('.');
    expect(() => box.open(['v1', parts[1], `${parts[2]}=`, parts[3]].join('.'))).toThrow(/base64url/);
    expect(() => box.open(['v1', parts[1].replace(/^./, '+'), parts[2], parts[3]].join('.'))).toThrow(/base64url/);
    // same tag bytes, different string: the sealed form must not be malleable
    const altered = withUnusedBitSet(parts[3]);
    expect(Buffer.from(altered, 'base64url')).toEqual(Buffer.from(parts[3], 'base64url'));
    expect(() => box.open(['v1', parts[1], parts[2], altered].join('.'))).toThrow(/base64url/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(/32-byte key, got 16 bytes/);
  });

  it('keeps working when the caller wipes its key buffer', () => {
    const key = Buffer.from(KEY);
    const own = new SecretBox(key);
    const sealed = own.seal('kept');
    key.fill(0);
    expect(own.open(sealed)).toBe('kept');
  });
});

describe(parseEncryptionKey.name, () => {
  it.each([
    ['base64 with padding', KEY.toString('base64')],
    ['base64 without padding', KEY.toString('base64').replace(/=$/, '')],
    ['base64url', KEY.toString('base64url')],
    ['lowercase hex', KEY.toString('hex')],
    ['uppercase hex', KEY.toString('hex').toUpperCase()],
    ['a value with surrounding whitespace', ` ${KEY.toString('base64')}\n`],
  ])('accepts %s', (_name, value) => {
    expect(parseEncryptionKey(value)).toEqual(KEY);
  });

  it('accepts keys whose base64 uses the characters + and / or - and _', () => {
    const key = Buffer.alloc(32, 0xfb); // 0xfb… encodes as "+/v7…"
    expect(key.toString('base64')).toMatch(/[+/]/);
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64url'))).toEqual(key);
  });

  it.each([
    ['an empty value', ''],
    ['16 bytes of base64', Buffer.alloc(16, 1).toString('base64')],
    ['48 bytes of base64', Buffer.alloc(48, 1).toString('base64')],
    ['62 hex characters', KEY.toString('hex').slice(2)],
    ['hex with a non-hex character', `${KEY.toString('hex').slice(1)}g`],
    ['base64 mixing both alphabets', `+_${KEY.toString('base64').slice(2)}`],
    ['a passphrase', 'correct horse battery staple'],
  ])('refuses %s, explaining the expected forms', (_name, value) => {
    expect(() => parseEncryptionKey(value)).toThrow(/32 random bytes written as base64 or base64url .* or as 64 hex characters/);
  });

  it('refuses a non-canonical key even though it decodes to 32 bytes', () => {
    const altered = withUnusedBitSet(KEY.toString('base64url'));
    expect(Buffer.from(altered, 'base64url')).toHaveLength(32);
    expect(() => parseEncryptionKey(altered)).toThrow(/32 random bytes/);
  });

  it('never echoes the rejected value', () => {
    const value = 'my-super-secret-passphrase';
    let message = '';
    try {
      parseEncryptionKey(value);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/32 random bytes/);
    expect(message).not.toContain(value);
  });

  it('binds a sealed value to its context: it opens only where it was sealed', () => {
    const box = new SecretBox(Buffer.alloc(32, 7));
    const sealed = box.seal('totp secret', 'user-1');
    expect(box.open(sealed, 'user-1')).toBe('totp secret');
    expect(() => box.open(sealed, 'user-2')).toThrow(/authentication failed/);
    expect(() => box.open(sealed)).toThrow(/authentication failed/);
  });

  it('derives a stable key per purpose, distinct across purposes and from its own key', () => {
    const box = new SecretBox(Buffer.alloc(32, 7));
    expect(box.deriveKey('recovery-codes')).toEqual(new SecretBox(Buffer.alloc(32, 7)).deriveKey('recovery-codes'));
    expect(box.deriveKey('recovery-codes')).toHaveLength(32);
    expect(box.deriveKey('recovery-codes')).not.toEqual(box.deriveKey('another'));
    expect(box.deriveKey('recovery-codes')).not.toEqual(Buffer.alloc(32, 7));
  });
});
