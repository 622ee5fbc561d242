import { MailTemplates } from '../mail-templates';
import { INVITATION_TEMPLATE, renderInvitation, type InvitationMailData } from './invitation.template';

const data: InvitationMailData = {
  organizationName: 'Acme',
  inviterName: 'Ada Lovelace',
  role: 'Developer',
  link: 'http://gatehouse.test/invitations/accept?token=abc123&x=1',
  expiresAt: '2026-12-06T14:30:00.000Z',
};

describe(renderInvitation.name, () => {
  it('names the organization, the inviter and the role, and gives the bare link in the text part', () => {
    const mail = renderInvitation({ ...data });
    expect(mail.subject).toBe("You're invited to Acme on Gatehouse");
    expect(mail.text).toContain('Ada Lovelace invited you to join Acme on Gatehouse as Developer.');
    expect(mail.text).toContain('\nhttp://gatehouse.test/invitations/accept?token=abc123&x=1\n');
    expect(mail.text).toContain('expires on 2026-12-06 14:30 UTC');
  });

  it('escapes every value in the HTML part and keeps it verbatim in the text part', () => {
    const hostile = '<script>alert("x")</script> & Co';
    const mail = renderInvitation({ ...data, organizationName: hostile, inviterName: `Eve "<img src=x onerror=alert(1)>"`, role: "<b>Admin</b>'" });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toContain('<b>Admin');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(mail.html).toContain('&lt;b&gt;Admin&lt;/b&gt;&#39;');
    expect(mail.text).toContain(hostile);
    expect(mail.subject).toContain(hostile);
  });

  it('escapes the link inside href and in the visible text', () => {
    const mail = renderInvitation({ ...data, link: 'https://id.example.com/accept?token=a"b&c=<d>' });
    expect(mail.html).toContain('href="https://id.example.com/accept?token=a&quot;b&amp;c=&lt;d&gt;"');
    expect(mail.html).not.toContain('a"b');
  });

  it('words the mail without an inviter', () => {
    const mail = renderInvitation({ ...data, inviterName: null });
    expect(mail.text).toContain('You have been invited to join Acme on Gatehouse as Developer.');
  });

  it('refuses incomplete data and a link that is not http(s)', () => {
    expect(() => renderInvitation({ ...data, link: 'javascript:alert(1)' })).toThrow(/link/);
    expect(() => renderInvitation({ ...data, role: '' })).toThrow(/role/);
    expect(() => renderInvitation({ ...data, expiresAt: 'soon' })).toThrow(/expiresAt/);
    const { organizationName: _, ...withoutName } = data;
    expect(() => renderInvitation(withoutName)).toThrow(/organizationName/);
  });

  it('has no line break in the subject, whatever the organization is called', () => {
    const templates = new MailTemplates();
    templates.register(INVITATION_TEMPLATE, renderInvitation);
    const mail = templates.render(INVITATION_TEMPLATE, { ...data, organizationName: 'Acme\r\nBcc: victim@example.com' });
    expect(mail.subject).toBe("You're invited to Acme Bcc: victim@example.com on Gatehouse");
  });
});
