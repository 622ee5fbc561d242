import { createHash, createHmac } from 'node:crypto';
import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes';

/** A reproducible byte stream (SHA-256 in counter mode) standing in for crypto.randomBytes. */
function seededRandom(seed: string): (bytes: number) => Buffer {
  let counter = 0;
  return (bytes) => {
    const chunks: Buffer[] = [];
    for (let length = 0; length < bytes; length += 32) chunks.push(createHash('sha256').update(`${seed}:${counter++}`).digest());
    return Buffer.concat(chunks).subarray(0, bytes);
  };
}

describe(generateRecoveryCodes.name, () => {
  it('produces ten distinct codes of two five-character groups', () => {
    const codes = generateRecoveryCodes(seededRandom('a'));
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  });

  it('never uses the easily confused characters 0, 1, o, l or i', () => {
    const codes = generateRecoveryCodes(seededRandom('b'), 200).join('');
    expect(codes).not.toMatch(/[01oli]/);
  });

  it('uses every character of its 31-character alphabet', () => {
    const characters = new Set(generateRecoveryCodes(seededRandom('c'), 100).join('').replace(/-/g, ''));
    expect(characters.size).toBe(31);
  });

  it('honours the requested count', () => {
    expect(generateRecoveryCodes(seededRandom('d'), 3)).toHaveLength(3);
  });

  it('redraws bytes that would bias the alphabet', () => {
    // 248..255 are rejected; 0 maps to '2' and 30 to 'z'
    const bytes = [255, 248, ...Array<number>(5).fill(0), ...Array<number>(5).fill(30)];
    const random = (count: number): Buffer => Buffer.from(bytes.splice(0, count));
    expect(generateRecoveryCodes(random, 1)).toEqual(['22222-zzzzz']);
  });

  it('fails instead of looping when the random source repeats itself', () => {
    expect(() => generateRecoveryCodes((bytes) => Buffer.alloc(bytes, 7))).toThrow(/repeating/);
  });

  it('fails when the random source returns nothing', () => {
    expect(() => generateRecoveryCodes(() => Buffer.alloc(0))).toThrow(/no bytes/);
  });

  it('refuses a count below one', () => {
    expect(() => generateRecoveryCodes(seededRandom('e'), 0)).toThrow(/count/);
  });
});

describe(normalizeRecoveryCode.name, () => {
  it.each(['ab3cd-ef4gh', 'AB3CD-EF4GH', 'ab3cdef4gh', ' ab3cd ef4gh ', 'Ab3Cd - Ef4Gh', 'ab3cd\u2013ef4gh', 'ab-3c-de-f4-gh'])(
    'reduces %j to the canonical form',
    (input) => {
      expect(normalizeRecoveryCode(input)).toBe('ab3cdef4gh');
    },
  );
});

const KEY = Buffer.alloc(32, 9);

describe(hashRecoveryCode.name, () => {
  it('is the SHA-256 hex of the normalised code', () => {
    expect(hashRecoveryCode('ab3cd-ef4gh', KEY)).toBe(createHmac('sha256', KEY).update('ab3cdef4gh').digest('hex'));
  });

  it('gives every typed variant of a code the same hash', () => {
    const stored = hashRecoveryCode('ab3cd-ef4gh', KEY);
    expect(hashRecoveryCode('AB3CD EF4GH', KEY)).toBe(stored);
    expect(hashRecoveryCode('ab3cdef4gh', KEY)).toBe(stored);
  });

  it('gives different codes different hashes', () => {
    expect(hashRecoveryCode('ab3cd-ef4gh', KEY)).not.toBe(hashRecoveryCode('ab3cd-ef4gj', KEY));
  });
});
