import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const KEY_BYTES = 32;
// 96-bit IVs are GCM's native size; NIST SP 800-38D allows 2^32 seals per key with random IVs,
// far beyond what a store of secrets needs.
const IV_BYTES = 12;
// The full 128-bit tag, enforced on open so a truncated tag cannot lower the forgery bound.
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * AES-256-GCM for secrets that must be read back (TOTP secrets, signing keys), as opposed to
 * credentials we only verify, which are hashed. The sealed form `v1.<iv>.<ciphertext>.<tag>`
 * (base64url parts) is versioned so the algorithm or key can rotate without guessing formats.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`SecretBox needs a ${KEY_BYTES}-byte key, got ${key.length} bytes.`);
    // A private copy: the caller wiping or reusing its buffer must not change ours.
    this.key = Buffer.from(key);
  }

  /** A key for one purpose (say, keyed hashes of recovery codes), derived from this box's key by HKDF. */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `gatehouse:${purpose}`, KEY_BYTES));
  }

  /**
   * `context` (e.g. the owning row's id) is bound as associated data: a sealed value moved
   * onto another row no longer opens there.
   */
  seal(plaintext: string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, ...[iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'))].join('.');
  }

  /** Throws when the value is malformed, was altered, or was sealed under another key. */
  open(sealed: string, context = ''): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new Error(`SecretBox cannot open this value: expected the form ${VERSION}.<iv>.<ciphertext>.<tag>.`);
    }
    const [iv, ciphertext, tag] = parts.slice(1).map(decodePart);
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new Error(`SecretBox cannot open this value: expected a ${IV_BYTES}-byte IV and a ${TAG_BYTES}-byte tag.`);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // OpenSSL's own message ("Unsupported state or unable to authenticate data") says neither cause.
      throw new Error('SecretBox cannot open this value: authentication failed (the data was altered or the key is wrong).');
    }
  }
}

function decodePart(part: string): Buffer {
  // Buffer.from skips unknown characters and unused trailing bits; requiring the canonical
  // encoding means no two different strings open to the same secret.
  const bytes = BASE64URL.test(part) ? Buffer.from(part, 'base64url') : null;
  if (!bytes || bytes.toString('base64url') !== part) throw new Error('SecretBox cannot open this value: a part is not canonical base64url.');
  return bytes;
}

/**
 * Reads the encryption key from configuration: 32 bytes as base64 or base64url (43 characters,
 * optionally padded with one '='), or as 64 hex characters. The message never echoes the value,
 * since it is a secret and errors end up in logs.
 */
export function parseEncryptionKey(value: string): Buffer {
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text) || /^[A-Za-z0-9_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text, 'base64');
    const asBase64url = text.replace(/=$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    // The last character carries 2 unused bits; a non-canonical one means a typo, not a key.
    if (key.length === KEY_BYTES && key.toString('base64url') === asBase64url) return key;
  }
  throw new Error(
    `The encryption key must be ${KEY_BYTES} random bytes written as base64 or base64url (43 characters, ` +
      `optionally ending in '=') or as 64 hex characters; generate one with \`openssl rand -base64 32\`.`,
  );
}
