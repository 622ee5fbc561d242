import { renderSecurityAlert } from './security-alert.template';

describe(renderSecurityAlert.name, () => {
  const alert = { title: 'Repeated failed sign-ins for one account', severity: 'medium', summary: '5 failed sign-ins <b>', link: 'https://gh.example/api/v1/audit/security-events/1' };

  it('names the rule, the severity and the link of one alert, escaping HTML', () => {
    const mail = renderSecurityAlert({ alerts: [alert], more: 0 });
    expect(mail.subject).toBe('Security alert (medium): Repeated failed sign-ins for one account');
    expect(mail.text).toContain(alert.link);
    expect(mail.html).toContain('5 failed sign-ins &lt;b&gt;');
  });

  it('lists several alerts in one mail and counts the ones left out', () => {
    const mail = renderSecurityAlert({ alerts: [alert, { ...alert, severity: 'high' }], more: 3 });
    expect(mail.subject).toBe('5 new security alerts, the first medium: Repeated failed sign-ins for one account');
    expect(mail.text).toContain('…and 3 more');
  });

  it('refuses a mail without alerts', () => {
    expect(() => renderSecurityAlert({ alerts: [] })).toThrow();
  });
});
