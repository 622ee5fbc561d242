import { DomainError, type FieldError } from '../../../shared/domain-error';

/**
 * An organization's password rules, after NIST SP 800-63B: length and a blocklist matter;
 * composition rules and forced expiry are off by default because they push people towards
 * predictable passwords, but some organizations must still switch them on.
 */
export interface PasswordPolicy {
  /** In Unicode code points; 8 to 128. */
  minLength: number;
  /** In Unicode code points; at least 64 so passphrases fit, at most 1024 to bound hashing work. */
  maxLength: number;
  /** How many previous passwords may not be used again; 0 to 24. */
  history: number;
  /** Days until a password must be changed, or null for never. */
  expiryDays: number | null;
  /** When on, a password needs an uppercase and a lowercase letter, a digit and a symbol. */
  requireComposition: boolean;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minLength: 12,
  maxLength: 128,
  history: 5,
  expiryDays: null,
  requireComposition: false,
};

const LIMITS = {
  minLength: { min: 8, max: 128 },
  maxLength: { min: 64, max: 1024 },
  history: { min: 0, max: 24 },
  expiryDays: { min: 1, max: 3650 },
} as const;

const KNOWN_SETTINGS = Object.keys(DEFAULT_PASSWORD_POLICY);

/** Failed checks, in the order checkPassword reports them. */
export type PasswordRule = 'min_length' | 'max_length' | 'common' | 'contains_email' | 'composition' | 'reused';

export interface PasswordCheckContext {
  policy: PasswordPolicy;
  /** The account's email, or null when there is none to compare with. */
  email: string | null;
  common: { has(password: string): boolean };
}

/** Shorter local parts ("jo@...") would refuse too many unrelated passwords. */
const MIN_LOCAL_PART_LENGTH = 3;

function integerIn(errors: FieldError[], field: string, value: unknown, limits: { min: number; max: number }): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < limits.min || value > limits.max) {
    errors.push({ field, message: `must be a whole number from ${limits.min} to ${limits.max}` });
    return limits.min;
  }
  return value;
}

/**
 * Validates the password section of PUT /policies; settings left out take their defaults,
 * and every bad field is named (password.minLength, ...).
 */
export function validatePasswordPolicy(input: unknown): PasswordPolicy {
  const errors: FieldError[] = [];
  let section: Record<string, unknown> = {};
  if (input !== undefined) {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      errors.push({ field: 'password', message: 'must be an object' });
    } else {
      section = input as Record<string, unknown>;
    }
  }
  for (const key of Object.keys(section)) {
    if (!KNOWN_SETTINGS.includes(key)) errors.push({ field: `password.${key}`, message: 'is not a known setting' });
  }
  const d = DEFAULT_PASSWORD_POLICY;
  const minLength = integerIn(errors, 'password.minLength', section.minLength ?? d.minLength, LIMITS.minLength);
  const maxLength = integerIn(errors, 'password.maxLength', section.maxLength ?? d.maxLength, LIMITS.maxLength);
  if (maxLength < minLength) errors.push({ field: 'password.maxLength', message: 'must not be less than password.minLength' });
  const history = integerIn(errors, 'password.history', section.history ?? d.history, LIMITS.history);
  // null is a value here (never expire), so only a missing key takes the default
  const rawExpiry = 'expiryDays' in section ? section.expiryDays : d.expiryDays;
  const expiryDays = rawExpiry === null ? null : integerIn(errors, 'password.expiryDays', rawExpiry, LIMITS.expiryDays);
  const requireComposition = section.requireComposition ?? d.requireComposition;
  if (typeof requireComposition !== 'boolean') errors.push({ field: 'password.requireComposition', message: 'must be true or false' });
  if (errors.length) throw new DomainError('POLICIES.INVALID', 'invalid', 'The policy document is not valid', errors);
  return { minLength, maxLength, history, expiryDays, requireComposition: requireComposition === true };
}

function containsEmail(password: string, email: string): boolean {
  const full = email.normalize('NFKC').trim().toLowerCase();
  if (full.length === 0) return false;
  if (password.includes(full)) return true;
  const at = full.lastIndexOf('@');
  const local = at > 0 ? full.slice(0, at) : '';
  return [...local].length >= MIN_LOCAL_PART_LENGTH && password.includes(local);
}

function hasComposition(password: string): boolean {
  return /\p{Lu}/u.test(password) && /\p{Ll}/u.test(password) && /\p{Nd}/u.test(password) && /[^\p{L}\p{N}]/u.test(password);
}

/**
 * Every rule the password breaks, in PasswordRule order; 'reused' is never among them, as
 * it needs the stored hashes. Lengths count code points after NFKC (NIST), so an emoji is one.
 */
export function checkPassword(password: string, context: PasswordCheckContext): PasswordRule[] {
  const { policy, email, common } = context;
  const normalized = password.normalize('NFKC');
  const length = [...normalized].length;
  const failed: PasswordRule[] = [];
  if (length < policy.minLength) failed.push('min_length');
  if (length > policy.maxLength) failed.push('max_length');
  if (common.has(normalized)) failed.push('common');
  if (email !== null && containsEmail(normalized.toLowerCase(), email)) failed.push('contains_email');
  if (policy.requireComposition && !hasComposition(normalized)) failed.push('composition');
  return failed;
}

function ruleMessage(rule: PasswordRule, policy: PasswordPolicy): string {
  switch (rule) {
    case 'min_length':
      return `must be at least ${policy.minLength} characters`;
    case 'max_length':
      return `must be at most ${policy.maxLength} characters`;
    case 'common':
      return 'is too common: it appears on lists of the most used passwords';
    case 'contains_email':
      return 'must not contain the email address or its part before the @';
    case 'composition':
      return 'must contain an uppercase letter, a lowercase letter, a digit and a symbol';
    case 'reused':
      return `must not be one of the last ${policy.history} passwords`;
  }
}

/** A password the organization's policy refuses; one field error per broken rule. */
export class WeakPasswordError extends DomainError {
  constructor(
    readonly rules: readonly PasswordRule[],
    policy: PasswordPolicy,
    field = 'password',
  ) {
    super(
      'AUTH.WEAK_PASSWORD',
      'invalid',
      'The password does not meet the password policy',
      rules.map((rule) => ({ field, message: ruleMessage(rule, policy) })),
    );
  }
}
