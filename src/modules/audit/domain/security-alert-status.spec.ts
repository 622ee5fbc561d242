import { AlertTransitionError, nextAlertStatus } from './security-alert-status';

describe(nextAlertStatus.name, () => {
  it('acknowledges an open alert and resolves an open or acknowledged one', () => {
    expect(nextAlertStatus('open', 'acknowledge')).toBe('acknowledged');
    expect(nextAlertStatus('open', 'resolve')).toBe('resolved');
    expect(nextAlertStatus('acknowledged', 'resolve')).toBe('resolved');
  });

  it('refuses to acknowledge twice, to acknowledge a resolved alert, and to resolve twice (409)', () => {
    for (const [from, action] of [
      ['acknowledged', 'acknowledge'],
      ['resolved', 'acknowledge'],
      ['resolved', 'resolve'],
    ] as const) {
      expect(() => nextAlertStatus(from, action)).toThrow(AlertTransitionError);
    }
    expect(new AlertTransitionError('resolved', 'resolve')).toMatchObject({ code: 'AUDIT.ALERT_TRANSITION', kind: 'conflict' });
  });
});
