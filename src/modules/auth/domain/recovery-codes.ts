import { createHmac } from 'node:crypto';

/*
 * Single-use recovery codes, shown once when a second factor is enrolled and stored only as
 * hashes. They are read off paper and typed by hand, so the alphabet leaves out characters that
 * are easily confused (0/o, 1/l/i) and the normalised form ignores case, spaces and dashes.
 */

const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
const GROUP_LENGTH = 5;
const CODE_LENGTH = 2 * GROUP_LENGTH;
// Bytes at or above this would map onto the alphabet unevenly, so they are redrawn.
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);
// A sound random source repeats a 10-character code with odds of about 2^-49; hitting this cap
// means the source is broken, and looping forever would hide that.
const MAX_ATTEMPTS_PER_CODE = 10;

function randomCharacters(random: (bytes: number) => Buffer, length: number): string {
  let output = '';
  while (output.length < length) {
    const bytes = random(length - output.length + 4);
    if (bytes.length === 0) throw new Error('The random source returned no bytes.');
    for (const byte of bytes) {
      if (byte < UNBIASED_LIMIT && output.length < length) output += ALPHABET[byte % ALPHABET.length];
    }
  }
  return output;
}

/** `count` distinct codes such as `7kq2m-xr9fd`; the caller supplies the randomness. */
export function generateRecoveryCodes(random: (bytes: number) => Buffer, count = 10): string[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`Invalid recovery code count ${count}.`);
  const codes = new Set<string>();
  for (let attempt = 0; codes.size < count; attempt++) {
    if (attempt >= count * MAX_ATTEMPTS_PER_CODE) throw new Error('The random source keeps repeating itself.');
    const chars = randomCharacters(random, CODE_LENGTH);
    codes.add(`${chars.slice(0, GROUP_LENGTH)}-${chars.slice(GROUP_LENGTH)}`);
  }
  return [...codes];
}

/** The canonical form users' variants are compared in: lowercase, no whitespace or dashes. */
export function normalizeRecoveryCode(input: string): string {
  // Unicode dashes too: codes pasted from a password manager or document may carry them.
  return input.replace(/[\s\-\u2010-\u2015\u2212]/g, '').toLowerCase();
}

/**
 * HMAC-SHA256 (hex) of the normalised code under a server key, so every way of typing a code
 * finds the same row, and a stolen table cannot be brute-forced (a code has about 50 bits).
 */
export function hashRecoveryCode(code: string, key: Buffer): string {
  return createHmac('sha256', key).update(normalizeRecoveryCode(code), 'utf8').digest('hex');
}
