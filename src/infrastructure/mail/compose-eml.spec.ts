import { composeEml, messageId } from './compose-eml';

const mail = {
  id: '0b6f7d2e-4f0a-4a59-9d0c-3e2a1f6c8b11',
  to: 'ada@example.com',
  subject: "You're invited to Acme on Gatehouse",
  text: 'Accept here:\nhttp://gatehouse.test/invitations/accept?token=abc123\n',
  html: '<p><a href="http://gatehouse.test/invitations/accept?token=abc123">Accept</a></p>',
};

function decodeQuotedPrintable(body: string): string {
  return body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

describe(composeEml.name, () => {
  it('writes an RFC 5322 message with CRLF line ends, the headers and both parts', async () => {
    const eml = (await composeEml(mail, 'Gatehouse <no-reply@gatehouse.test>', 'http://gatehouse.test', new Date('2026-11-29T10:00:00Z'))).toString('utf8');
    const [head, ...rest] = eml.split('\r\n\r\n');
    const body = decodeQuotedPrintable(rest.join('\r\n\r\n'));
    expect(eml).not.toMatch(/[^\r]\n/);
    expect(head).toMatch(/^From: Gatehouse <no-reply@gatehouse\.test>$/m);
    expect(head).toMatch(/^To: ada@example\.com$/m);
    expect(head).toMatch(/^Subject: You're invited to Acme on Gatehouse$/m);
    expect(head).toMatch(/^Message-ID: <0b6f7d2e-4f0a-4a59-9d0c-3e2a1f6c8b11@gatehouse\.test>$/m);
    expect(head).toMatch(/^Date: Sun, 29 Nov 2026 10:00:00 \+0000$/m);
    expect(head).toMatch(/^MIME-Version: 1\.0$/m);
    expect(head).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(body).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(body).toMatch(/Content-Type: text\/html; charset=utf-8/);
    expect(body).toContain('http://gatehouse.test/invitations/accept?token=abc123');
    expect(body).toContain('<a href="http://gatehouse.test/invitations/accept?token=abc123">Accept</a>');
  });

  it('derives a stable Message-ID from the mail id and the public host', () => {
    expect(messageId({ id: 'm1' }, 'https://id.example.com/base')).toBe('<m1@id.example.com>');
  });
});
