import { renderWeeklyDigest } from './weekly-digest.template';

const organization = { joined: 2, invited: 3, invitationsExpired: 1, roleChanges: 0, deactivated: 0, removed: 0, signIns: 40, failedSignIns: 7, alertsRaised: 1, openAlerts: 2 };
const week = { weekStart: '2026-11-23T00:00:00.000Z', weekEnd: '2026-11-30T00:00:00.000Z', organizationName: 'Acme <Ops>' };

describe('the weekly digest mail', () => {
  it('tells a reader of the trail their own week and the organization’s, in counts', () => {
    const mail = renderWeeklyDigest({ ...week, you: { signIns: 1 }, organization });
    expect(mail.subject).toBe('Your Gatehouse week: Acme <Ops>, 2026-11-23 to 2026-11-29 (UTC)');
    expect(mail.text).toContain('You signed in 1 time.');
    expect(mail.text).toContain('- 7 failed sign-ins');
    expect(mail.text).toContain('- 2 security alerts open now');
    expect(mail.html).toContain('Acme &lt;Ops&gt;');
  });

  it('tells anyone else only their own week', () => {
    const mail = renderWeeklyDigest({ ...week, you: { signIns: 3 }, organization: null });
    expect(mail.text).toContain('You signed in 3 times.');
    expect(mail.text).not.toContain('The organization');
  });

  it('refuses incomplete data', () => {
    expect(() => renderWeeklyDigest({ ...week, you: { signIns: -1 }, organization: null })).toThrow(/signIns/);
    expect(() => renderWeeklyDigest({ ...week, you: { signIns: 1 }, organization: { ...organization, openAlerts: undefined } })).toThrow(/organization/);
    expect(() => renderWeeklyDigest({ ...week, weekStart: 'last week', you: { signIns: 1 }, organization: null })).toThrow(/weekStart/);
  });
});
