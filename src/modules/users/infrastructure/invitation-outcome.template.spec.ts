import { renderInvitationOutcome } from './invitation-outcome.template';

describe('the invitation outcome mail', () => {
  it('names the one who accepted, with the role they joined as', () => {
    const mail = renderInvitationOutcome({ outcome: 'accepted', invitees: [{ email: 'ada@example.com', name: 'Ada', role: 'Developer' }] });
    expect(mail.subject).toBe('Ada (ada@example.com) accepted your invitation');
    expect(mail.text).toContain('- Ada (ada@example.com), Developer');
  });

  it('lists expired invitations, counts the rest, and says they can be resent', () => {
    const invitees = [
      { email: 'a@example.com', name: null, role: 'Viewer' },
      { email: 'b@example.com', name: null, role: 'Manager' },
    ];
    const mail = renderInvitationOutcome({ outcome: 'expired', invitees, more: 3 });
    expect(mail.subject).toBe('5 invitations you sent expired');
    expect(mail.text).toContain('- b@example.com, Manager');
    expect(mail.text).toContain('…and 3 more');
    expect(mail.text).toContain('/resend');
    expect(renderInvitationOutcome({ outcome: 'expired', invitees: [invitees[0]] }).subject).toBe('Your invitation to a@example.com expired');
  });

  it('escapes what users wrote in the HTML part', () => {
    const mail = renderInvitationOutcome({ outcome: 'accepted', invitees: [{ email: 'x@example.com', name: '<script>alert(1)</script>', role: 'Viewer' }] });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
  });

  it('refuses data it cannot tell', () => {
    expect(() => renderInvitationOutcome({ outcome: 'revoked', invitees: [{ email: 'a@example.com', name: null, role: 'Viewer' }] })).toThrow(/outcome/);
    expect(() => renderInvitationOutcome({ outcome: 'accepted', invitees: [] })).toThrow(/invitees/);
  });
});
