import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, ensureBuilt, freePort, stopAllProcesses } from '../../support/app-process';
import { parseMail } from '../../support/smtp-sink';
import { eventually } from '../../support/test-app';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestEnvironment } from '../../support/test-env';

interface RequestLine {
  msg?: string;
  req?: { url?: string };
  res?: { statusCode?: number };
}

/** The JSON lines of a process's stdout (pino), skipping anything else it printed. */
function logLines(output: string): RequestLine[] {
  return output.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as RequestLine];
    } catch {
      return [];
    }
  });
}

describe('tokens never reach the log of a real process', () => {
  const environments: TestEnvironment[] = [];
  const folders: string[] = [];

  function freshFolder(): string {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-logs-'));
    folders.push(dir);
    return dir;
  }

  /** The app as a process with every log level on, its mail written to a folder of its own. */
  async function start(overrides: Record<string, string | undefined>) {
    const env = new TestEnvironment();
    environments.push(env);
    const mailDir = freshFolder();
    const app = new AppProcess(env.env({ PORT: String(await freePort()), LOG_LEVEL: 'debug', MAIL_DIR: mailDir, ...overrides }));
    await app.listening();
    return { app, mailDir };
  }

  /** Invites someone through the API and returns the link of the mail written for them. */
  async function invite(app: AppProcess, mailDir: string): Promise<{ link: string; token: string }> {
    const admin = await app.api.login('default', ADMIN_EMAIL, ADMIN_PASSWORD);
    const invited = await app.api.post('/api/v1/invitations', { email: `invitee-${randomBytes(3).toString('hex')}@example.com`, role: 'Developer' }, admin);
    expect(invited.status).toBe(201);
    const file = await eventually(
      async () => readdirSync(mailDir).find((name) => name.endsWith('.eml') && existsSync(join(mailDir, name))),
      15_000,
      'the invitation mail',
    );
    const [link, token] = /https?:\/\/\S+\/invitations\/([A-Za-z0-9_-]+)/.exec(
      parseMail(readFileSync(join(mailDir, file), 'latin1')).text,
    )!;
    return { link, token };
  }

  beforeAll(() => {
    ensureBuilt();
  });

  afterAll(async () => {
    await stopAllProcesses();
    for (const env of environments) await env.remove();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it('logs requests to token links with the token redacted, and file mail without its link', async () => {
    const { app, mailDir } = await start({ NODE_ENV: 'test' });
    const { token } = await invite(app, mailDir);
    // the mail was written and the log says so, and nothing after the file name (no links)
    await app.waitForOutput(/"msg":"mail \S+ \(.*\) written to [^"\s]+\.eml"/);

    expect((await app.api.get(`/api/v1/invitations/accept/${token}`)).status).toBe(200);
    const resetToken = randomBytes(24).toString('base64url');
    const reset = await app.api.get(`/api/v1/auth/password/reset/${resetToken}`);
    expect(reset.status).toBeGreaterThanOrEqual(400);
    // the pages the mails link to carry the same tokens in their paths
    expect((await fetch(`${app.api.baseUrl}/invitations/${token}`)).status).toBe(200);
    expect((await fetch(`${app.api.baseUrl}/password/reset/${resetToken}`)).status).toBe(410);
    const ssoCode = randomBytes(24).toString('base64url');
    await app.api.get(`/api/v1/auth/sso/default/callback?code=${ssoCode}&state=x`);

    // each request is in the log, with its secret part replaced
    const lines = await eventually(
      async () => {
        const found = logLines(app.stdout());
        const urls = found.map((line) => line.req?.url);
        return urls.includes('/api/v1/invitations/accept/[redacted]') &&
          urls.includes('/invitations/[redacted]') &&
          urls.includes('/password/reset/[redacted]') &&
          urls.includes('/api/v1/auth/password/reset/[redacted]') &&
          urls.includes('/api/v1/auth/sso/default/callback?[redacted]')
          ? found
          : undefined;
      },
      10_000,
      'the request log lines',
    );
    expect(lines.find((line) => line.req?.url === '/api/v1/invitations/accept/[redacted]')?.res?.statusCode).toBe(200);
    const output = app.stdout() + app.stderr();
    for (const secret of [token, resetToken, ssoCode]) expect(output).not.toContain(secret);
  });

  it('logs the links of file mail in development, where a person at the terminal needs them', async () => {
    const { app, mailDir } = await start({ NODE_ENV: 'development', ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    const { link } = await invite(app, mailDir);
    await app.waitForOutput(new RegExp(`links: .*${link.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});
