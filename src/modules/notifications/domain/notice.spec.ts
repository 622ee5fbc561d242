import { noticeTitle, visibleKinds } from './notice';

describe(noticeTitle.name, () => {
  it("writes an alert as its mail's subject: its severity and its rule's title", () => {
    expect(noticeTitle('security_alert', { alertId: 'a', rule: 'r', title: 'A break-glass account was used', severity: 'high', summary: '1 sign-in' })).toBe('Security alert (high): A break-glass account was used');
  });

  it('writes one invitation’s outcome with the invitee’s name, else their address, else a removed user', () => {
    const one = (invitee: { email: string | null; name: string | null }, outcome = 'accepted') => noticeTitle('invitation_outcome', { outcome, invitees: [{ ...invitee, role: 'Viewer' }], more: 0 });
    expect(one({ email: 'ada@example.com', name: 'Ada' })).toBe('Ada accepted your invitation');
    expect(one({ email: 'ada@example.com', name: null })).toBe('ada@example.com accepted your invitation');
    expect(one({ email: null, name: null })).toBe('a removed user accepted your invitation');
    expect(one({ email: 'bo@example.com', name: null }, 'expired')).toBe('Your invitation to bo@example.com expired');
  });

  it('counts several, the ones not listed included', () => {
    const invitees = [{ email: 'a@example.com', name: null, role: 'Viewer' }, { email: 'b@example.com', name: null, role: 'Viewer' }];
    expect(noticeTitle('invitation_outcome', { outcome: 'accepted', invitees, more: 3 })).toBe('5 people accepted your invitations');
    expect(noticeTitle('invitation_outcome', { outcome: 'expired', invitees, more: 0 })).toBe('2 of your invitations expired');
  });
});

describe(visibleKinds.name, () => {
  it('shows alerts only to a holder of audit:read, and to a key only when it carries the scope too', () => {
    expect(visibleKinds(['account:read', 'audit:read'], null)).toEqual(['security_alert', 'invitation_outcome']);
    expect(visibleKinds(['account:read'], null)).toEqual(['invitation_outcome']);
    expect(visibleKinds(['account:read', 'audit:read'], ['account:read'])).toEqual(['invitation_outcome']);
    expect(visibleKinds(['account:read', 'audit:read'], ['account:read', 'audit:read'])).toEqual(['security_alert', 'invitation_outcome']);
  });
});
