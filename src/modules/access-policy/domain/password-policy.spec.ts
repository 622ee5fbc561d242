import { DomainError } from '../../../shared/domain-error';
import {
  checkPassword,
  DEFAULT_PASSWORD_POLICY,
  validatePasswordPolicy,
  WeakPasswordError,
  type PasswordPolicy,
} from './password-policy';

const common = { has: (password: string) => ['password', 'qwerty', '123456', 'correcthorse'].includes(password.toLowerCase()) };
const policy = (overrides: Partial<PasswordPolicy> = {}): PasswordPolicy => ({ ...DEFAULT_PASSWORD_POLICY, ...overrides });

function fieldsOf(input: unknown): string[] {
  try {
    validatePasswordPolicy(input);
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'invalid') return error.fieldErrors.map((e) => e.field);
    throw error;
  }
  return [];
}

describe(checkPassword.name, () => {
  const check = (password: string, overrides: Partial<PasswordPolicy> = {}, email: string | null = 'alice.smith@example.com') =>
    checkPassword(password, { policy: policy(overrides), email, common });

  it('accepts a long uncommon passphrase under the default policy', () => {
    expect(check('violet anchor quietly orbits')).toEqual([]);
  });

  it('refuses a password shorter than minLength and accepts one exactly that long', () => {
    expect(check('abcdefghijk')).toEqual(['min_length']);
    expect(check('abcdefghijkl')).toEqual([]);
  });

  it('refuses a password longer than maxLength and accepts one exactly that long', () => {
    expect(check('a'.repeat(65), { maxLength: 64 })).toEqual(['max_length']);
    expect(check('a'.repeat(64), { maxLength: 64 })).toEqual([]);
  });

  it('counts an emoji as one character', () => {
    expect(check('🔒'.repeat(12))).toEqual([]);
    expect(check('🔒'.repeat(11))).toEqual(['min_length']);
    expect(check('👩‍💻'.repeat(4), { minLength: 12 })).toEqual([]); // ZWJ sequence: 3 code points each
  });

  it('counts length after NFKC normalization', () => {
    // "ﬃ" (one code point) becomes "ffi" (three)
    expect(check('ﬃ'.repeat(4))).toEqual([]);
    expect(check('ﬃ'.repeat(3))).toEqual(['min_length']);
  });

  it('refuses a common password whatever its case', () => {
    expect(check('Password', { minLength: 8 })).toEqual(['common']);
    expect(check('QWERTY', { minLength: 6 })).toEqual(['common']);
  });

  it('refuses a password equal to or containing the email address', () => {
    expect(check('alice.smith@example.com')).toEqual(['contains_email']);
    expect(check('my ALICE.SMITH@EXAMPLE.COM pass')).toEqual(['contains_email']);
  });

  it('refuses a password containing the local part of the email, case-insensitively', () => {
    expect(check('Alice.Smith-2024!!')).toEqual(['contains_email']);
  });

  it('ignores a local part shorter than three characters', () => {
    expect(check('joanna the brave', {}, 'jo@example.com')).toEqual([]);
    expect(check('bobby the brave', {}, 'bob@example.com')).toEqual(['contains_email']);
  });

  it('skips the email check when there is no email', () => {
    expect(check('alice.smith@example.com', {}, null)).toEqual([]);
  });

  it('asks for no composition unless the policy requires it', () => {
    expect(check('alllowercaseletters')).toEqual([]);
  });

  it('requires an uppercase and a lowercase letter, a digit and a symbol when composition is on', () => {
    const on = { requireComposition: true };
    expect(check('alllowercaseletters', on)).toEqual(['composition']);
    expect(check('NoDigitsOrSymbols', on)).toEqual(['composition']);
    expect(check('NoSymbols12345', on)).toEqual(['composition']);
    expect(check('no-uppercase-123', on)).toEqual(['composition']);
    expect(check('NO-LOWERCASE-123', on)).toEqual(['composition']);
    expect(check('Has-Everything-123', on)).toEqual([]);
  });

  it('counts a space as a symbol for composition', () => {
    expect(check('Upper lower 123', { requireComposition: true })).toEqual([]);
  });

  it('reports every failed rule, in rule order', () => {
    expect(check('qwerty', { requireComposition: true }, 'qwerty@example.com')).toEqual([
      'min_length',
      'common',
      'contains_email',
      'composition',
    ]);
  });
});

describe(validatePasswordPolicy.name, () => {
  it('gives the defaults for an empty or missing section', () => {
    expect(validatePasswordPolicy({})).toEqual(DEFAULT_PASSWORD_POLICY);
    expect(validatePasswordPolicy(undefined)).toEqual(DEFAULT_PASSWORD_POLICY);
  });

  it('has NIST-style defaults: 12 to 128 characters, history 5, no expiry, no composition', () => {
    expect(DEFAULT_PASSWORD_POLICY).toEqual({ minLength: 12, maxLength: 128, history: 5, expiryDays: null, requireComposition: false });
  });

  it('accepts a complete valid policy as given', () => {
    const input = { minLength: 8, maxLength: 64, history: 0, expiryDays: 90, requireComposition: true };
    expect(validatePasswordPolicy(input)).toEqual(input);
  });

  it('accepts the bounds of every range', () => {
    expect(() => validatePasswordPolicy({ minLength: 128, maxLength: 128, history: 24, expiryDays: 1 })).not.toThrow();
  });

  it('takes an explicit null expiry as never', () => {
    expect(validatePasswordPolicy({ expiryDays: null }).expiryDays).toBeNull();
  });

  it('throws an invalid DomainError for a bad policy', () => {
    expect(() => validatePasswordPolicy({ minLength: 7 })).toThrow(DomainError);
    try {
      validatePasswordPolicy({ minLength: 7 });
    } catch (error) {
      expect(error).toMatchObject({ code: 'POLICIES.INVALID', kind: 'invalid' });
    }
  });

  it('rejects minLength 7 and 129, naming the field', () => {
    expect(fieldsOf({ minLength: 7 })).toEqual(['password.minLength']);
    expect(fieldsOf({ minLength: 129 })).toEqual(['password.minLength']);
  });

  it('rejects maxLength 63, naming the field', () => {
    expect(fieldsOf({ maxLength: 63 })).toEqual(['password.maxLength']);
  });

  it('rejects a maxLength below minLength', () => {
    expect(fieldsOf({ minLength: 100, maxLength: 80 })).toEqual(['password.maxLength']);
  });

  it('rejects history 25, naming the field', () => {
    expect(fieldsOf({ history: 25 })).toEqual(['password.history']);
  });

  it('rejects a negative or zero expiry, naming the field', () => {
    expect(fieldsOf({ expiryDays: -1 })).toEqual(['password.expiryDays']);
    expect(fieldsOf({ expiryDays: 0 })).toEqual(['password.expiryDays']);
  });

  it('rejects fractions, strings and a non-boolean requireComposition', () => {
    expect(fieldsOf({ minLength: 12.5, history: '5', requireComposition: 'yes' })).toEqual([
      'password.minLength',
      'password.history',
      'password.requireComposition',
    ]);
  });

  it('rejects unknown settings and a section that is not an object', () => {
    expect(fieldsOf({ minLenght: 10 })).toEqual(['password.minLenght']);
    expect(fieldsOf([])).toEqual(['password']);
    expect(fieldsOf(12)).toEqual(['password']);
  });
});

describe(WeakPasswordError.name, () => {
  const sut = new WeakPasswordError(['min_length', 'common', 'reused'], policy({ minLength: 12, history: 5 }));

  it('is an invalid AUTH.WEAK_PASSWORD domain error carrying the failed rules', () => {
    expect(sut).toBeInstanceOf(DomainError);
    expect(sut.code).toBe('AUTH.WEAK_PASSWORD');
    expect(sut.kind).toBe('invalid');
    expect(sut.rules).toEqual(['min_length', 'common', 'reused']);
  });

  it('gives one field error on password per rule, with a rule-specific sentence', () => {
    expect(sut.fieldErrors).toEqual([
      { field: 'password', message: 'must be at least 12 characters' },
      { field: 'password', message: 'is too common: it appears on lists of the most used passwords' },
      { field: 'password', message: 'must not be one of the last 5 passwords' },
    ]);
  });
});
