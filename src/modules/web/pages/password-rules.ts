import type { DomainError } from '../../../shared/domain-error';
import { WeakPasswordError, type PasswordPolicy } from '../../access-policy';
import type { MessageKey } from './messages.en';
import type { Translate } from './messages';

/** The organization's password rules as the form lists them, before anyone types. */
export function passwordRules(t: Translate, policy: PasswordPolicy): string[] {
  return [
    t('rules.minLength', { n: policy.minLength }),
    t('rules.maxLength', { n: policy.maxLength }),
    t('rules.common'),
    t('rules.email'),
    ...(policy.requireComposition ? [t('rules.composition')] : []),
    ...(policy.history > 0 ? [t('rules.history', { n: policy.history })] : []),
  ];
}

const RULE_MESSAGES: Record<WeakPasswordError['rules'][number], MessageKey> = {
  min_length: 'rules.minLength',
  max_length: 'rules.maxLength',
  common: 'rules.common',
  contains_email: 'rules.email',
  composition: 'rules.composition',
  reused: 'rules.history',
};

/** Which of the listed rules a refused password broke, in the page's language. */
export function weakPasswordMessages(t: Translate, error: DomainError, policy: PasswordPolicy): string[] {
  if (!(error instanceof WeakPasswordError)) return error.fieldErrors.map((fieldError) => fieldError.message);
  const n = { 'rules.minLength': policy.minLength, 'rules.maxLength': policy.maxLength, 'rules.history': policy.history } as Record<string, number>;
  return error.rules.map((rule) => t(RULE_MESSAGES[rule], { n: n[RULE_MESSAGES[rule]] ?? '' }));
}
