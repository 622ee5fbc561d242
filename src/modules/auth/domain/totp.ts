import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * One-time passwords for second-factor sign-in: HOTP (RFC 4226) and TOTP (RFC 6238) with
 * HMAC-SHA1, which is what every authenticator app implements. Everything here is pure: the
 * caller passes the time in (from Clock), so tests and replay checks never race the clock.
 */

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const TOTP_DIGITS = 6;
const DEFAULT_STEP_SECONDS = 30;
// RFC 4226 §4 recommends 160 bits, the size of the SHA-1 block output.
const SECRET_BYTES = 20;

/** RFC 4648 base32, uppercase and without padding: the form authenticator apps expect. */
export function base32Encode(bytes: Buffer): string {
  let output = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      output += BASE32_ALPHABET[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) output += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return output;
}

/**
 * Decodes base32; case-insensitive and tolerant of trailing `=` padding because secrets get
 * copied by hand, but any other character is an error rather than silently skipped.
 */
export function base32Decode(input: string): Buffer {
  const text = input.replace(/=+$/, '').toUpperCase();
  // 1, 3 or 6 leftover characters cannot come from whole bytes (RFC 4648 §6).
  if ([1, 3, 6].includes(text.length % 8)) throw new Error(`Invalid base32 length ${text.length}.`);
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const value = BASE32_ALPHABET.indexOf(char);
    if (value === -1) throw new Error(`Invalid base32 character ${JSON.stringify(char)}.`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >>> bits) & 0xff);
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

function decodeSecret(secretBase32: string): Buffer {
  const secret = base32Decode(secretBase32);
  if (secret.length === 0) throw new Error('The TOTP secret is empty.');
  return secret;
}

/** A new shared secret, base32 for the otpauth URI; the caller supplies the randomness. */
export function generateTotpSecret(randomBytes: Buffer): string {
  if (randomBytes.length !== SECRET_BYTES) {
    throw new Error(`A TOTP secret needs exactly ${SECRET_BYTES} random bytes, got ${randomBytes.length}.`);
  }
  return base32Encode(randomBytes);
}

/** RFC 4226 HOTP: HMAC-SHA1 over the 8-byte big-endian counter, dynamically truncated. */
export function hotp(secret: Buffer, counter: number, digits = TOTP_DIGITS): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new Error(`Invalid HOTP counter ${counter}.`);
  // 31 bits of truncated output hold at most 10 decimal digits; fewer than 6 is too guessable.
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) throw new Error(`Invalid OTP length ${digits}.`);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The RFC 6238 time counter: whole steps since the Unix epoch. */
export function timeStep(time: Date, stepSeconds = DEFAULT_STEP_SECONDS): number {
  const ms = time.getTime();
  if (Number.isNaN(ms)) throw new Error('Invalid time for TOTP.');
  if (!Number.isInteger(stepSeconds) || stepSeconds <= 0) throw new Error(`Invalid TOTP step ${stepSeconds}.`);
  return Math.floor(ms / (stepSeconds * 1000));
}

/** The TOTP code valid at `time`. */
export function totpAt(secretBase32: string, time: Date, digits = TOTP_DIGITS, stepSeconds = DEFAULT_STEP_SECONDS): string {
  return hotp(decodeSecret(secretBase32), timeStep(time, stepSeconds), digits);
}

export interface VerifyTotpOptions {
  /** Steps accepted either side of the current one, for clock drift and typing time. Default 1. */
  window?: number;
  /** The step of the last code accepted for this secret; it and every earlier step are refused. */
  lastUsedStep?: number | null;
}

export type TotpVerification = { ok: true; step: number } | { ok: false };

/**
 * Checks a 6-digit code against steps t-window..t+window. On success the caller must persist
 * the returned step as `lastUsedStep` so the same code (or an older one) is never accepted twice.
 */
export function verifyTotp(secretBase32: string, code: string, time: Date, options: VerifyTotpOptions = {}): TotpVerification {
  const window = options.window ?? 1;
  if (!Number.isInteger(window) || window < 0) throw new Error(`Invalid TOTP window ${window}.`);
  if (!/^[0-9]{6}$/.test(code)) return { ok: false };

  const secret = decodeSecret(secretBase32);
  const given = Buffer.from(code, 'ascii');
  const current = timeStep(time);
  const lastUsed = options.lastUsedStep ?? -1;
  let matched: number | null = null;
  // No early exit: timing reveals neither whether the code matched nor which step it matched.
  for (let step = current - window; step <= current + window; step++) {
    if (step < 0 || step <= lastUsed) continue;
    const expected = Buffer.from(hotp(secret, step, TOTP_DIGITS), 'ascii');
    // The highest matching step wins: recording a lower one would let the same code, should it
    // also match a later step in the window, be accepted a second time.
    if (timingSafeEqual(expected, given)) matched = step;
  }
  return matched === null ? { ok: false } : { ok: true, step: matched };
}

export interface OtpauthUriInput {
  secretBase32: string;
  issuer: string;
  accountName: string;
}

/**
 * The Key Uri Format (Google Authenticator wiki) that enrolment QR codes carry. The issuer
 * appears both as label prefix and as parameter, as the format recommends; apps split the label
 * on ':', so neither part may contain one.
 */
export function otpauthUri(input: OtpauthUriInput): string {
  const { secretBase32, issuer, accountName } = input;
  for (const [name, value] of [['issuer', issuer], ['accountName', accountName]] as const) {
    if (value.trim() === '') throw new Error(`otpauth ${name} must not be empty.`);
    if (value.includes(':')) throw new Error(`otpauth ${name} must not contain ':'.`);
  }
  // Re-encoding normalises case and padding and rejects a malformed secret before it reaches a QR code.
  const secret = base32Encode(decodeSecret(secretBase32));
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = [
    `secret=${secret}`,
    `issuer=${encodeURIComponent(issuer)}`,
    'algorithm=SHA1',
    `digits=${TOTP_DIGITS}`,
    `period=${DEFAULT_STEP_SECONDS}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}
