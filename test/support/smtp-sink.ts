import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  raw: string;
  envelopeTo: string[];
  headers: Record<string, string>;
  text: string;
  html: string;
}

function parseHeaders(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function splitMessage(raw: string): { headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  return end < 0 ? { headers: parseHeaders(raw), body: '' } : { headers: parseHeaders(raw.slice(0, end)), body: raw.slice(end + 4) };
}

function decode(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'quoted-printable':
      return Buffer.from(
        body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      ).toString('utf8');
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}

/** Takes a MIME message apart just enough for the tests: headers, and the text and HTML parts decoded. */
export function parseMail(raw: string, envelopeTo: string[] = []): ReceivedMail {
  const { headers, body } = splitMessage(raw);
  const parts: { type: string; content: string }[] = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const part = splitMessage(chunk.replace(/^\r\n/, ''));
      parts.push({ type: part.headers['content-type'] ?? 'text/plain', content: decode(part.body, part.headers['content-transfer-encoding']) });
    }
  } else {
    parts.push({ type: headers['content-type'] ?? 'text/plain', content: decode(body, headers['content-transfer-encoding']) });
  }
  return {
    raw,
    envelopeTo,
    headers,
    text: parts.find((p) => p.type.startsWith('text/plain'))?.content ?? '',
    html: parts.find((p) => p.type.startsWith('text/html'))?.content ?? '',
  };
}

/**
 * A real SMTP server in the test process (smtp-server), on a free port: it keeps what it
 * receives, or refuses every message with `reject` (an SMTP reply code and text).
 */
export class SmtpSink {
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    private readonly state: { offered: number; received: ReceivedMail[] },
  ) {}

  /** The messages accepted, in order. */
  get received(): ReceivedMail[] {
    return this.state.received;
  }

  /** Messages offered (DATA sent), accepted or not. */
  get offered(): number {
    return this.state.offered;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(options: { reject?: { code: number; message: string } } = {}): Promise<SmtpSink> {
    const state = { offered: 0, received: [] as ReceivedMail[] };
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          state.offered++;
          if (options.reject) {
            const error = Object.assign(new Error(options.reject.message), { responseCode: options.reject.code });
            return callback(error);
          }
          const to = session.envelope.rcptTo.map((r) => r.address);
          state.received.push(parseMail(Buffer.concat(chunks).toString('latin1'), to));
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    // a sender killed in the middle of a mail (a SIGKILLed worker) resets its connection: that
    // is the sender's story, and an unheard 'error' would end the whole test file
    server.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
    });
    const address = server.server.address() as AddressInfo;
    return new SmtpSink(server, address.port, state);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
