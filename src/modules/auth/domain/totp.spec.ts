import { createHash } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import {
  base32Decode,
  base32Encode,
  generateTotpSecret,
  hotp,
  otpauthUri,
  timeStep,
  totpAt,
  verifyTotp,
} from './totp';

// The RFC 4226 / RFC 6238 SHA-1 test secret.
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');
const RFC_SECRET_BASE32 = base32Encode(RFC_SECRET);

const at = (unixSeconds: number): Date => new Date(unixSeconds * 1000);

// Deterministic "random" secrets so a failure is reproducible.
const seededSecret = (seed: number): Buffer => createHash('sha256').update(`totp-seed-${seed}`).digest().subarray(0, 20);

describe(`${base32Encode.name} / ${base32Decode.name}`, () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('encodes the RFC 4648 vector %j as %s without padding', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain, 'ascii'))).toBe(encoded);
    expect(base32Decode(encoded).toString('ascii')).toBe(plain);
  });

  it('round-trips arbitrary bytes of every length', () => {
    for (let length = 0; length <= 41; length++) {
      const bytes = createHash('sha512').update(String(length)).digest().subarray(0, length);
      expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    }
  });

  it('decodes lowercase and padded input', () => {
    expect(base32Decode('mzxw6ytboi======').toString('ascii')).toBe('foobar');
  });

  it('refuses characters outside the alphabet and impossible lengths', () => {
    expect(() => base32Decode('MZXW1')).toThrow(/Invalid base32 character/);
    expect(() => base32Decode('MZX')).toThrow(/Invalid base32 length/);
  });
});

describe(generateTotpSecret.name, () => {
  it('encodes 20 random bytes as 32 base32 characters', () => {
    const secret = generateTotpSecret(seededSecret(1));
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toEqual(seededSecret(1));
  });

  it('refuses any other amount of randomness', () => {
    expect(() => generateTotpSecret(Buffer.alloc(16))).toThrow(/exactly 20 random bytes/);
  });
});

describe(hotp.name, () => {
  it.each([
    [0, '755224'],
    [1, '287082'],
    [2, '359152'],
    [3, '969429'],
    [4, '338314'],
    [5, '254676'],
    [6, '287922'],
    [7, '162583'],
    [8, '399871'],
    [9, '520489'],
  ])('matches RFC 4226 Appendix D at counter %i', (counter, code) => {
    expect(hotp(RFC_SECRET, counter)).toBe(code);
  });

  it('refuses negative or fractional counters and out-of-range lengths', () => {
    expect(() => hotp(RFC_SECRET, -1)).toThrow(/counter/);
    expect(() => hotp(RFC_SECRET, 1.5)).toThrow(/counter/);
    expect(() => hotp(RFC_SECRET, 0, 5)).toThrow(/length/);
  });
});

describe(timeStep.name, () => {
  it('counts whole 30-second steps since the epoch', () => {
    expect(timeStep(at(59))).toBe(1);
    expect(timeStep(at(60))).toBe(2);
    expect(timeStep(at(1111111109))).toBe(0x23523ec);
    expect(timeStep(at(20000000000))).toBe(0x27bc86aa);
  });

  it('honours a custom step length', () => {
    expect(timeStep(at(119), 60)).toBe(1);
  });

  it('refuses an invalid date', () => {
    expect(() => timeStep(new Date(Number.NaN))).toThrow(/Invalid time/);
  });
});

describe(totpAt.name, () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches RFC 6238 Appendix B (SHA-1, 8 digits) at T=%i', (seconds, code) => {
    expect(totpAt(RFC_SECRET_BASE32, at(seconds), 8)).toBe(code);
  });

  it('defaults to 6 digits, the last six of the 8-digit value', () => {
    expect(totpAt(RFC_SECRET_BASE32, at(59))).toBe('287082');
  });

  it('agrees with the independent otpauth implementation for many secrets and times', () => {
    for (let seed = 0; seed < 25; seed++) {
      const secret = generateTotpSecret(seededSecret(seed));
      const reference = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
      for (const seconds of [0, 29, 30, 1_700_000_000 + seed * 7919, 2_000_000_000 + seed * 104_729, 4_102_444_800]) {
        expect(totpAt(secret, at(seconds))).toBe(reference.generate({ timestamp: seconds * 1000 }));
      }
    }
  });

  it('agrees with otpauth on HOTP for large counters', () => {
    const secret = seededSecret(99);
    const reference = new OTPAuth.HOTP({ secret: new OTPAuth.Secret({ buffer: new Uint8Array(secret).buffer }), digits: 6 });
    for (const counter of [0, 255, 256, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12_345]) {
      expect(hotp(secret, counter)).toBe(reference.generate({ counter }));
    }
  });

  it('refuses an empty secret', () => {
    expect(() => totpAt('', at(59))).toThrow(/empty/);
  });
});

describe(verifyTotp.name, () => {
  const secret = generateTotpSecret(seededSecret(7));
  const now = at(1_800_000_015);
  const step = timeStep(now);
  const codeAtOffset = (offset: number): string => totpAt(secret, at((step + offset) * 30));

  it('accepts the current code and reports its step', () => {
    expect(verifyTotp(secret, codeAtOffset(0), now, {})).toEqual({ ok: true, step });
  });

  it('accepts codes one step early or late', () => {
    expect(verifyTotp(secret, codeAtOffset(-1), now, {})).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp(secret, codeAtOffset(1), now, {})).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses codes two steps away with the default window', () => {
    expect(verifyTotp(secret, codeAtOffset(-2), now, {})).toEqual({ ok: false });
    expect(verifyTotp(secret, codeAtOffset(2), now, {})).toEqual({ ok: false });
  });

  it('accepts two steps away only when the window is widened, and only the current step with window 0', () => {
    expect(verifyTotp(secret, codeAtOffset(-2), now, { window: 2 })).toEqual({ ok: true, step: step - 2 });
    expect(verifyTotp(secret, codeAtOffset(-1), now, { window: 0 })).toEqual({ ok: false });
  });

  it('never accepts the same code twice', () => {
    const first = verifyTotp(secret, codeAtOffset(0), now, { lastUsedStep: null });
    expect(first).toEqual({ ok: true, step });
    expect(verifyTotp(secret, codeAtOffset(0), now, { lastUsedStep: step })).toEqual({ ok: false });
    // still refused half a minute later, when the step is inside the window again
    expect(verifyTotp(secret, codeAtOffset(0), at((step + 1) * 30), { lastUsedStep: step })).toEqual({ ok: false });
  });

  it('refuses a code older than the last accepted one but accepts a newer one', () => {
    expect(verifyTotp(secret, codeAtOffset(-1), now, { lastUsedStep: step })).toEqual({ ok: false });
    expect(verifyTotp(secret, codeAtOffset(1), now, { lastUsedStep: step })).toEqual({ ok: true, step: step + 1 });
  });

  it('records the highest step when a code matches two steps, so it cannot be replayed on the later one', () => {
    // with the RFC secret, steps 910737 and 910738 happen to share the code 911617
    expect([hotp(RFC_SECRET, 910_737), hotp(RFC_SECRET, 910_738)]).toEqual(['911617', '911617']);
    const first = verifyTotp(RFC_SECRET_BASE32, '911617', at(910_737 * 30), {});
    expect(first).toEqual({ ok: true, step: 910_738 });
    expect(verifyTotp(RFC_SECRET_BASE32, '911617', at(910_738 * 30), { lastUsedStep: 910_738 })).toEqual({ ok: false });
  });

  it('refuses a wrong code', () => {
    const wrong = String((Number(codeAtOffset(0)) + 1) % 1_000_000).padStart(6, '0');
    const inWindow = [-1, 0, 1].map(codeAtOffset);
    expect(inWindow).not.toContain(wrong);
    expect(verifyTotp(secret, wrong, now, {})).toEqual({ ok: false });
  });

  it.each(['', '12345', '1234567', '12a456', ' 123456', '123 456', '１２３４５６', '-12345'])('refuses the malformed code %j', (code) => {
    expect(verifyTotp(secret, code, now, {})).toEqual({ ok: false });
  });

  it('refuses an 8-digit code even when its last six digits are right', () => {
    const eight = totpAt(secret, now, 8);
    expect(eight.slice(2)).toBe(codeAtOffset(0));
    expect(verifyTotp(secret, eight, now, {})).toEqual({ ok: false });
  });

  it('refuses a negative or fractional window', () => {
    expect(() => verifyTotp(secret, codeAtOffset(0), now, { window: -1 })).toThrow(/window/);
    expect(() => verifyTotp(secret, codeAtOffset(0), now, { window: 0.5 })).toThrow(/window/);
  });
});

describe(otpauthUri.name, () => {
  const secret = generateTotpSecret(seededSecret(3));

  it('builds the Key Uri Format with the issuer in label and parameters', () => {
    expect(otpauthUri({ secretBase32: secret, issuer: 'Gatehouse', accountName: 'alice@example.com' })).toBe(
      `otpauth://totp/Gatehouse:alice%40example.com?secret=${secret}&issuer=Gatehouse&algorithm=SHA1&digits=6&period=30`,
    );
  });

  it('percent-encodes spaces, ampersands and non-ASCII characters', () => {
    const uri = otpauthUri({ secretBase32: secret, issuer: 'Acme & Co', accountName: 'zoë smith' });
    expect(uri).toBe(
      `otpauth://totp/Acme%20%26%20Co:zo%C3%AB%20smith?secret=${secret}&issuer=Acme%20%26%20Co&algorithm=SHA1&digits=6&period=30`,
    );
  });

  it('parses back to the same parameters in the otpauth library', () => {
    const parsed = OTPAuth.URI.parse(otpauthUri({ secretBase32: secret, issuer: 'Acme & Co', accountName: 'zoë smith' }));
    expect(parsed).toBeInstanceOf(OTPAuth.TOTP);
    expect(parsed).toMatchObject({ issuer: 'Acme & Co', label: 'zoë smith', algorithm: 'SHA1', digits: 6 });
    expect(parsed.secret.base32).toBe(secret);
  });

  it('normalises a lowercase secret to uppercase', () => {
    expect(otpauthUri({ secretBase32: secret.toLowerCase(), issuer: 'Gatehouse', accountName: 'a' })).toContain(`secret=${secret}&`);
  });

  it('refuses a colon or an empty value in the label', () => {
    expect(() => otpauthUri({ secretBase32: secret, issuer: 'Gate:house', accountName: 'a' })).toThrow(/issuer must not contain ':'/);
    expect(() => otpauthUri({ secretBase32: secret, issuer: 'Gatehouse', accountName: 'a:b' })).toThrow(/accountName/);
    expect(() => otpauthUri({ secretBase32: secret, issuer: ' ', accountName: 'a' })).toThrow(/issuer must not be empty/);
  });
});
