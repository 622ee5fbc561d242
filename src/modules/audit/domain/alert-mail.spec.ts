import { alertMailDue, alertsToList, ALERTS_IN_MAIL, type WaitingAlert } from './alert-mail';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 12, minute));
const alert = (n: number, severity: WaitingAlert['severity'] = 'medium'): WaitingAlert => ({ id: `a${n}`, rule: 'failed_sign_ins_account', severity, summary: `alert ${n}` });

describe('alert mail', () => {
  it('mails the first alert after a quiet spell at once, and one never mailed before', () => {
    expect(alertMailDue([alert(1)], at(0), at(5), 300)).toBe(true);
    expect(alertMailDue([alert(1)], null, at(0), 300)).toBe(true);
  });

  it('holds alerts raised within the interval after the last mail for a digest at its end', () => {
    expect(alertMailDue([alert(1), alert(2, 'high')], at(0), at(4), 300)).toBe(false);
    expect(alertMailDue([alert(1), alert(2, 'high')], at(0), at(5), 300)).toBe(true);
  });

  it('sends a critical alert at once, whatever the interval', () => {
    expect(alertMailDue([alert(1), alert(2, 'critical')], at(0), at(1), 300)).toBe(true);
  });

  it('mails nothing when nothing waits, and every pass when the interval is 0', () => {
    expect(alertMailDue([], null, at(0), 300)).toBe(false);
    expect(alertMailDue([alert(1)], at(0), at(0), 0)).toBe(true);
  });

  it(`lists the most severe first, at most ${ALERTS_IN_MAIL}, and counts the rest`, () => {
    const waiting = [alert(1, 'low'), alert(2, 'high'), ...Array.from({ length: 11 }, (_, i) => alert(10 + i)), alert(3, 'critical')];
    const { listed, more } = alertsToList(waiting);
    expect(listed.map((a) => a.severity).slice(0, 3)).toEqual(['critical', 'high', 'medium']);
    expect(listed).toHaveLength(ALERTS_IN_MAIL);
    expect(more).toBe(waiting.length - ALERTS_IN_MAIL);
    expect(listed.map((a) => a.id)).not.toContain('a1');
  });
});
