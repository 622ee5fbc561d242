import { createTransport } from 'nodemailer';
import { composeEml, messageId } from './compose-eml';

const mail = {
  id: '0b6f7d2e-4f0a-4a59-9d0c-3e2a1f6c8b11',
  to: 'ada@example.com',
  subject: "You're invited to Acme on Gatehouse",
  text: 'Accept here:\nhttp://gatehouse.test/invitations/accept?token=abc123\n',
  html: '<p><a href="http://gatehouse.test/invitations/accept?token=abc123">Accept</a></p>',
};

function decodeQuotedPrintable(body: string): string {
  const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The headers (unfolded) and the two parts' decoded bodies. */
function parse(eml: string): { head: string; headers: Record<string, string>; text: string; html: string } {
  const end = eml.indexOf('\r\n\r\n');
  const head = eml.slice(0, end);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type'])![1];
  const parts = eml
    .slice(end + 4)
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => part.replace(/^\r\n/, '').replace(/\r\n$/, ''))
    .map((part) => ({ type: part.slice(0, part.indexOf('\r\n\r\n')), body: decodeQuotedPrintable(part.slice(part.indexOf('\r\n\r\n') + 4)) }));
  expect(eml.slice(end + 4).trimEnd().endsWith(`--${boundary}--`)).toBe(true);
  return { head, headers, text: parts.find((p) => p.type.includes('text/plain'))!.body, html: parts.find((p) => p.type.includes('text/html'))!.body };
}

/** RFC 2047 encoded words back to text (Q and B, UTF-8). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

describe(composeEml.name, () => {
  it('writes an RFC 5322 message with CRLF line ends, the headers and both parts', () => {
    const eml = composeEml(mail, 'Gatehouse <no-reply@gatehouse.test>', 'http://gatehouse.test', new Date('2026-11-29T10:00:00Z')).toString('utf8');
    const { head, text, html } = parse(eml);
    expect(eml).not.toMatch(/[^\r]\n/);
    expect(head).toMatch(/^From: Gatehouse <no-reply@gatehouse\.test>$/m);
    expect(head).toMatch(/^To: ada@example\.com$/m);
    expect(head).toMatch(/^Subject: You're invited to Acme on Gatehouse$/m);
    expect(head).toMatch(/^Message-ID: <0b6f7d2e-4f0a-4a59-9d0c-3e2a1f6c8b11@gatehouse\.test>$/m);
    expect(head).toMatch(/^Date: Sun, 29 Nov 2026 10:00:00 \+0000$/m);
    expect(head).toMatch(/^MIME-Version: 1\.0$/m);
    expect(head).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(eml).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(eml).toMatch(/Content-Type: text\/html; charset=utf-8/);
    expect(text).toBe('Accept here:\r\nhttp://gatehouse.test/invitations/accept?token=abc123\r\n');
    expect(html).toBe('<p><a href="http://gatehouse.test/invitations/accept?token=abc123">Accept</a></p>');
  });

  it('keeps lines within 76 characters and carries any text through intact', () => {
    const text = `Grüße aus Köln — 東京 🎉\nA long line: ${'word '.repeat(40)}\nTrailing space \nhttp://gatehouse.test/invitations/accept?token=${'t'.repeat(90)}\n`;
    const html = `<p title="a=b">${'<strong>Müller &amp; Söhne</strong> '.repeat(10)}</p>`;
    const eml = composeEml({ ...mail, text, html }, 'Gatehouse <no-reply@gatehouse.test>', 'http://gatehouse.test', new Date());
    const lines = eml.toString('latin1').split('\r\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(76);
    expect(eml.every((byte) => byte < 0x80)).toBe(true);
    const parsed = parse(eml.toString('latin1'));
    expect(parsed.text).toBe(text.replace(/\n/g, '\r\n'));
    expect(parsed.html).toBe(html);
  });

  it('encodes a subject and names outside ASCII as RFC 2047 words, and never lets a header span lines', () => {
    const eml = composeEml(
      { ...mail, to: 'zoë@exämple.com', subject: "You're invited to Müller & Söhne (東京) on Gatehouse — a long name that needs folding" },
      'Gâtehouse <no-reply@gatehouse.test>',
      'http://gatehouse.test',
      new Date(),
    ).toString('latin1');
    const { headers } = parse(eml);
    expect(eml.slice(0, eml.indexOf('\r\n\r\n')).split('\r\n').every((line) => line.length <= 78)).toBe(true);
    expect(decodeWords(headers.subject)).toBe("You're invited to Müller & Söhne (東京) on Gatehouse — a long name that needs folding");
    expect(decodeWords(headers.from)).toBe('Gâtehouse <no-reply@gatehouse.test>');
  });

  it('writes the header block nodemailer’s own composer writes, and bodies that decode to the same text', async () => {
    const odd = { ...mail, to: 'zoë@exämple.com', subject: 'Müller & Söhne =?x?= "quoted" — 東京', text: 'Grüße\n\n=3D line\t\nend', html: '<p>東京 &amp; = </p>\n' };
    const date = new Date('2026-11-29T10:00:00Z');
    const from = '"Gâte, House" <no-reply@gatehouse.test>';
    const ours = parse(composeEml(odd, from, 'http://gatehouse.test', date).toString('latin1'));
    const composer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    const info = await composer.sendMail({ from, to: odd.to, subject: odd.subject, text: odd.text, html: odd.html, messageId: messageId(odd, 'http://gatehouse.test'), date });
    const theirs = parse((info.message as Buffer).toString('latin1'));
    const withoutBoundary = (head: string) => head.replace(/boundary="[^"]+"/, 'boundary=…');
    expect(withoutBoundary(ours.head)).toBe(withoutBoundary(theirs.head));
    expect(ours.text).toBe(theirs.text);
    expect(ours.html).toBe(theirs.html);
  });

  it('gives every message a boundary of its own', () => {
    const boundaryOf = (eml: Buffer) => /boundary="([^"]+)"/.exec(eml.toString())![1];
    const date = new Date();
    expect(boundaryOf(composeEml(mail, 'g@gatehouse.test', 'http://gatehouse.test', date))).not.toBe(boundaryOf(composeEml(mail, 'g@gatehouse.test', 'http://gatehouse.test', date)));
  });

  it('derives a stable Message-ID from the mail id and the public host', () => {
    expect(messageId({ id: 'm1' }, 'https://id.example.com/base')).toBe('<m1@id.example.com>');
  });
});
