export type EventOutcome = 'success' | 'failure' | 'denied';

/**
 * What each event type says happened, declared once: the types that record something that
 * failed or was refused. Every other type records a change that took place.
 */
export const UNSUCCESSFUL_OUTCOMES: Readonly<Record<string, Exclude<EventOutcome, 'success'>>> = {
  'auth.login_failed': 'failure',
  'auth.mfa_failed': 'failure',
  'security.refresh_token_reused': 'failure',
  'access.denied': 'denied',
};

export const EVENT_OUTCOMES: readonly EventOutcome[] = ['success', 'failure', 'denied'];

export function outcomeOf(type: string): EventOutcome {
  return UNSUCCESSFUL_OUTCOMES[type] ?? 'success';
}

const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** The same table as a SQL expression over an event type column, for the projections. */
export function outcomeSql(typeColumn: string): string {
  const cases = Object.entries(UNSUCCESSFUL_OUTCOMES)
    .map(([type, outcome]) => `when ${literal(type)} then ${literal(outcome)}`)
    .join(' ');
  return `(case ${typeColumn} ${cases} else 'success' end)`;
}
