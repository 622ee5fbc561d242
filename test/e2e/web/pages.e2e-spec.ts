import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import sharp from 'sharp';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { eventually, startTestAppWithMail, type TestApp } from '../../support/test-app';
import type { SmtpSink } from '../../support/smtp-sink';
import { createOrganization, createUser, organizationId } from '../../support/users';
import { IdpServer } from '../../support/idp-server';
import { configureSaml } from '../../support/saml-flow';

const CHROMIUM = '/usr/bin/chromium';
/** `SCREENSHOTS=1` writes a picture of every page the stories pass through, for a person to look at. */
const SCREENSHOT_DIR = process.env.SCREENSHOTS === '1' ? join(__dirname, '..', '..', 'output', 'screenshots') : null;

function codeAt(secret: string, offsetSteps = 0): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

describe('the pages people click, in a real browser', () => {
  let t: TestApp & { smtp: SmtpSink };
  let browser: Browser;
  let base: string;
  let admin: string;
  let orgId: string;
  /** Every HTML document the browser received: its URL, CSP header and body. */
  const documents: { url: string; csp: string | undefined; html: string }[] = [];

  beforeAll(async () => {
    t = await startTestAppWithMail();
    base = t.api.baseUrl;
    admin = await t.adminToken();
    orgId = await organizationId(t);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    if (SCREENSHOT_DIR) mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A fresh browser profile (no cookies), recording the documents it loads. */
  async function person(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('response', (response: Response) => {
      if (response.request().resourceType() !== 'document' || response.status() >= 300 && response.status() < 400) return;
      // ours only: the SSO stories pass through a test IdP's page
      if (!response.url().startsWith(base)) return;
      void response.text().then(
        (html) => documents.push({ url: response.url(), csp: response.headers()['content-security-policy'], html }),
        () => undefined,
      );
    });
    return { context, page };
  }

  async function shot(page: Page, name: string): Promise<void> {
    if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  }

  async function submit(page: Page, selector = 'main form button[type=submit]'): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  }

  async function text(page: Page, selector = 'main'): Promise<string> {
    return page.innerText(selector);
  }

  /** The path of the link in the mail sent to `address` that matches `link`. */
  async function linkMailedTo(address: string, link: RegExp): Promise<string> {
    const mail = await eventually(async () => t.smtp.received.find((m) => m.envelopeTo.includes(address) && link.test(m.text)), 15_000, `a mail to ${address}`);
    return link.exec(mail.text)![1];
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto(`${base}/sign-in`);
    await page.fill('#organization', 'default');
    await page.fill('#email', email);
    await page.fill('#password', password);
    await submit(page);
  }

  it('opens a mailed invitation, refuses a weak password naming the rule, signs the invitee in and shows my account', async () => {
    const email = `invitee-${Date.now()}@example.com`;
    expect((await t.api.post('/api/v1/invitations', { email, role: 'Developer' }, admin)).status).toBe(201);
    const link = await linkMailedTo(email, /http:\/\/gatehouse\.test(\/invitations\/[A-Za-z0-9_-]+)/);

    const { context, page } = await person();
    const opened = await page.goto(base + link);
    expect(opened!.status()).toBe(200);
    expect(await page.textContent('h1')).toBe('Join default');
    expect(await text(page)).toContain('as Developer');
    expect(await text(page)).toContain('be at least 12 characters long');
    await shot(page, '01-invitation');

    await page.fill('#name', 'Ivy Invitee');
    await page.fill('#password', 'password');
    await submit(page);
    expect(await text(page, '#password-errors')).toMatch(/be at least 12 characters long[\s\S]*not be a commonly used password/);
    await shot(page, '02-invitation-weak-password');

    await page.fill('#password', 'a very memorable passphrase');
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/account');
    expect(await text(page, '#email')).toBe(email);
    expect(await page.inputValue('#name')).toBe('Ivy Invitee');
    await shot(page, '03-account-profile');

    // a picture, uploaded by a plain form
    const picture = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366cc' } }).png().toBuffer();
    await page.setInputFiles('#avatar', { name: 'me.png', mimeType: 'image/png', buffer: picture });
    await submit(page, 'form[action="/account/avatar"] button');
    expect(await text(page, '.notice')).toBe('Your picture is saved.');
    expect(await page.$eval('img.avatar', (img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(256);

    // the link is spent: it says so, and whom to ask
    const again = await page.goto(base + link);
    expect(again!.status()).toBe(410);
    expect(await text(page)).toContain('This invitation has already been used');
    await shot(page, '04-invitation-used');
    await context.close();
  });

  it('signs in with MFA using a code computed here', async () => {
    const user = await createUser(t, { organizationId: orgId, role: 'Developer' });
    const token = await t.api.login('default', user.email, user.password);
    const { body } = await t.api.post<{ secret: string }>('/api/v1/me/mfa/totp', {}, token);
    expect((await t.api.post('/api/v1/me/mfa/totp/confirm', { code: codeAt(body.secret) }, token)).status).toBe(200);

    const { context, page } = await person();
    await signIn(page, user.email, 'not the password at all');
    expect(await text(page, '#form-error')).toBe('The organization, email or password is not correct.');
    await shot(page, '05-sign-in-failed');

    await page.fill('#password', user.password);
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/sign-in/mfa');
    await shot(page, '06-mfa');
    // the enrolment's code is spent; the next step's is accepted (±1 step)
    await page.fill('#code', codeAt(body.secret, 1));
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/account');
    await context.close();
  });

  it('enrols MFA when the policy requires it, with the secret shown for manual entry, and shows the recovery codes once', async () => {
    const policy = await t.api.get<Record<string, unknown>>('/api/v1/policies', admin);
    const saved = await t.api.request('PUT', '/api/v1/policies', {
      token: admin,
      body: { ...policy.body, mfa: { requiredForRoles: ['Viewer'] } },
      headers: { 'if-match': policy.headers.get('etag')! },
    });
    expect(saved.status).toBe(200);
    const user = await createUser(t, { organizationId: orgId, role: 'Viewer' });

    const { context, page } = await person();
    await signIn(page, user.email, user.password);
    expect(new URL(page.url()).pathname).toBe('/sign-in/mfa/enrol');
    expect(await page.getAttribute('img.qr', 'src')).toMatch(/^data:image\/png;base64,/);
    await shot(page, '07-mfa-enrolment');
    const secret = await text(page, '#secret');
    await page.fill('#code', codeAt(secret));
    await submit(page);

    expect(new URL(page.url()).pathname).toBe('/sign-in/recovery-codes');
    const codes = await page.locator('#recovery-codes code').allInnerTexts();
    expect(codes.length).toBeGreaterThanOrEqual(8);
    expect(await page.getAttribute('a[download]', 'href')).toContain(encodeURIComponent(codes[0]));
    await shot(page, '08-recovery-codes');
    await Promise.all([page.waitForNavigation(), page.click('main a.button:not([download])')]);
    expect(new URL(page.url()).pathname).toBe('/account');

    // shown once: coming back finds nothing
    await page.goto(`${base}/sign-in/recovery-codes`);
    expect(new URL(page.url()).pathname).toBe('/account');
    await context.close();
  });

  it('resets a forgotten password from the mailed link, then signs in with it', async () => {
    const user = await createUser(t, { organizationId: orgId, role: 'Developer' });
    const { context, page } = await person();
    await page.goto(`${base}/sign-in`);
    await Promise.all([page.waitForNavigation(), page.click('a[href="/password/forgot"]')]);
    await page.fill('#organization', 'default');
    await page.fill('#email', user.email);
    await shot(page, '09-password-forgot');
    await submit(page);
    expect(await text(page, '#forgot-sent')).toContain('If an account with that email exists');

    const link = await linkMailedTo(user.email, /http:\/\/gatehouse\.test(\/password\/reset\/[A-Za-z0-9_-]+)/);
    await page.goto(base + link);
    await shot(page, '10-password-reset');
    await page.fill('#password', 'my brand new passphrase');
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await text(page, '.notice')).toBe('Your password is changed. Sign in with the new one.');

    await page.fill('#email', user.email);
    await page.fill('#password', 'my brand new passphrase');
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/account');

    // the link is spent
    const again = await page.goto(base + link);
    expect(again!.status()).toBe(410);
    await context.close();
  });

  it('lists my sessions and ends another one, whose refresh token then stops working', async () => {
    const user = await createUser(t, { organizationId: orgId, role: 'Developer' });
    const elsewhere = await t.api.post<{ refreshToken: string }>('/api/v1/auth/login', { organization: 'default', email: user.email, password: user.password });
    const { context, page } = await person();
    await signIn(page, user.email, user.password);
    await page.goto(`${base}/account/sessions`);
    expect(await page.$$eval('#sessions li', (items) => items.length)).toBe(2);
    await shot(page, '11-sessions');

    await submit(page, '#sessions li:not(:has(.badge)) form button');
    expect(await text(page, '.notice')).toBe('The session is ended.');
    expect(await page.$$eval('#sessions li', (items) => items.length)).toBe(1);
    expect((await t.api.post('/api/v1/auth/refresh', { refreshToken: elsewhere.body.refreshToken })).status).toBe(401);
    await context.close();
  });

  it('shows my notifications, marks one and then all read, and lets me choose in my profile what appears there', async () => {
    const manager = await createUser(t, { organizationId: orgId, role: 'Manager' });
    const token = await t.api.login('default', manager.email, manager.password);
    for (const name of ['Nia Notice', 'Noor Notice']) {
      const email = `${name.split(' ')[0].toLowerCase()}-${Date.now()}@example.com`;
      expect((await t.api.post('/api/v1/invitations', { email, role: 'Viewer' }, token)).status).toBe(201);
      const link = await linkMailedTo(email, /http:\/\/gatehouse\.test\/invitations\/([A-Za-z0-9_-]+)/);
      expect((await t.api.post('/api/v1/invitations/accept', { token: link, name, password: 'a long enough new password' })).status).toBe(200);
    }
    const { context, page } = await person();
    await signIn(page, manager.email, manager.password);
    // every account page counts the unread beside Notifications in its navigation
    expect(await page.getAttribute('nav.side a[href="/account/notifications"] #unread-count', 'title')).toBe('2 unread');
    await page.click('nav.side a[href="/account/notifications"]');
    await page.waitForURL(`${base}/account/notifications`);
    expect(await page.$$eval('#notifications li[data-unread]', (items) => items.length)).toBe(2);
    expect(await text(page, '#notifications')).toMatch(/Noor Notice accepted your invitation[\s\S]*Nia Notice accepted your invitation/);
    await shot(page, '12-notifications');

    await submit(page, '#notifications li:first-child form button');
    expect(await text(page, '.notice')).toBe('Marked as read.');
    expect(await page.$$eval('#notifications li[data-unread]', (items) => items.length)).toBe(1);
    expect((await page.textContent('#unread-count'))?.replace(/\s+/g, ' ')).toBe('1 unread');
    await submit(page, 'form[action="/account/notifications/read-all"] button');
    expect(await page.$$eval('#notifications li[data-unread]', (items) => items.length)).toBe(0);
    expect(await page.$('form[action="/account/notifications/read-all"]')).toBeNull();
    expect(await page.$('#unread-count')).toBeNull();

    // the feed's own switches sit beside the mail ones
    await page.goto(`${base}/account`);
    expect(await page.isChecked('#pref_inApp_invitationOutcomes')).toBe(true);
    await page.fill('#name', 'Max Manager');
    await page.uncheck('#pref_inApp_invitationOutcomes');
    await submit(page, 'form[action="/account/profile"] button');
    expect(await text(page, '.notice')).toBe('Your changes are saved.');
    const me = await t.api.get<{ notificationPreferences: { invitationOutcomes: boolean; inApp: { invitationOutcomes: boolean } } }>('/api/v1/me', token);
    expect(me.body.notificationPreferences).toMatchObject({ invitationOutcomes: true, inApp: { invitationOutcomes: false } });
    await context.close();
  });

  it('creates a personal API key shown once, and changes the password', async () => {
    const user = await createUser(t, { organizationId: orgId, role: 'Developer' });
    const { context, page } = await person();
    await signIn(page, user.email, user.password);
    await page.goto(`${base}/account/api-keys`);
    await page.fill('#key-name', 'CI deploys');
    await page.click('#scope-account-read');
    await submit(page, 'main form[action="/account/api-keys"] button');
    const key = await text(page, '#created-key');
    expect(key).toMatch(/^ghk_/);
    await shot(page, '12-api-keys');
    expect((await t.api.get('/api/v1/me', key)).status).toBe(200);
    await page.reload();
    expect(await page.$('#created-key')).toBeNull();

    await page.goto(`${base}/account/password`);
    await page.fill('#currentPassword', user.password);
    await page.fill('#newPassword', 'another fine passphrase');
    await submit(page);
    expect(await text(page, '.notice')).toContain('Your password is changed');
    await shot(page, '13-password-change');

    // two-factor from the account page: enrol, then the codes once, then it says it is on
    await page.goto(`${base}/account/mfa`);
    await shot(page, '14-mfa-account');
    await submit(page, 'form[action="/account/mfa/enrol"] button');
    expect(new URL(page.url()).pathname).toBe('/account/mfa/enrol');
    await page.fill('#code', codeAt(await text(page, '#secret')));
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/sign-in/recovery-codes');
    await Promise.all([page.waitForNavigation(), page.click('main a.button:not([download])')]);
    expect(await text(page, '#mfa-state')).toBe('Two-factor authentication is on.');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-out"] button')]);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.goto(`${base}/account`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();
  });

  it('asks for a new password when the old one has expired, then signs in with the new one', async () => {
    const user = await createUser(t, { organizationId: orgId, role: 'Developer' });
    const policy = await t.api.get<{ password: Record<string, unknown> }>('/api/v1/policies', admin);
    const saved = await t.api.request('PUT', '/api/v1/policies', {
      token: admin,
      body: { ...policy.body, password: { ...policy.body.password, expiryDays: 30 } },
      headers: { 'if-match': policy.headers.get('etag')! },
    });
    expect(saved.status).toBe(200);
    const sql = await t.env.sql();
    try {
      await sql.query("update users set password_changed_at = now() - interval '40 days' where id = $1", [user.id]);
    } finally {
      await sql.end();
    }

    const { context, page } = await person();
    await signIn(page, user.email, user.password);
    expect(new URL(page.url()).pathname).toBe('/sign-in/password');
    await shot(page, '15-password-expired');
    await page.fill('#password', 'an entirely fresh passphrase');
    await submit(page);
    expect(await text(page, '.notice')).toBe('Your password is changed. Sign in with the new one.');
    await page.fill('#email', user.email);
    await page.fill('#password', 'an entirely fresh passphrase');
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/account');
    await context.close();
  });

  it('goes back to where the person was after signing in, but never to another site', async () => {
    const user = await createUser(t, { organizationId: orgId, role: 'Developer' });
    const { context, page } = await person();
    await page.goto(`${base}/account/api-keys`);
    expect(page.url()).toBe(`${base}/sign-in?returnTo=${encodeURIComponent('/account/api-keys')}`);
    await page.fill('#organization', 'default');
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/account/api-keys');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-out"] button')]);

    await page.goto(`${base}/sign-in?returnTo=${encodeURIComponent('https://evil.example.net/')}`);
    expect(await page.inputValue('input[name=returnTo]')).toBe('');
    await context.close();
  });

  it('says when to try again once an account is locked, in a sentence', async () => {
    const form = await fetch(`${base}/sign-in`);
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const attempt = () =>
      fetch(`${base}/sign-in`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, organization: 'default', email: 'nobody-locked@example.com', password: 'a wrong guess' }),
      });
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
    const locked = await attempt();
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.text()).toMatch(/Too many failed attempts\. For your security, signing in is paused\. Try again in \d+ minutes \(after \d\d:\d\d UTC\)\./);
  });

  it('says a revoked invitation was revoked and whom to ask', async () => {
    const email = `revoked-${Date.now()}@example.com`;
    const created = await t.api.post<{ id: string }>('/api/v1/invitations', { email, role: 'Viewer' }, admin);
    const link = await linkMailedTo(email, /http:\/\/gatehouse\.test(\/invitations\/[A-Za-z0-9_-]+)/);
    expect((await t.api.request('DELETE', `/api/v1/invitations/${created.body.id}`, { token: admin })).status).toBe(204);
    const page = await fetch(base + link);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This invitation was revoked. Ask an administrator of your organization for a new one.');
  });

  it('keeps the page session to the pages: the API does not accept its cookie', async () => {
    const user = await createUser(t, { organizationId: orgId, role: 'Developer' });
    const form = await fetch(`${base}/sign-in`);
    const anonymous = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const signedIn = await fetch(`${base}/sign-in`, {
      method: 'POST',
      headers: { cookie: anonymous, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, organization: 'default', email: user.email, password: user.password }),
      redirect: 'manual',
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/account');
    const session = signedIn.headers.getSetCookie().find((c) => c.startsWith('gh_session='))!.split(';')[0];
    // a new id on sign-in: the anonymous one is not the signed-in one
    expect(anonymous).not.toContain(session);
    expect((await fetch(`${base}/account`, { headers: { cookie: session } })).status).toBe(200);
    expect((await fetch(`${base}/api/v1/me`, { headers: { cookie: session } })).status).toBe(401);
    // the old anonymous id opens nothing
    expect((await fetch(`${base}/account`, { headers: { cookie: anonymous }, redirect: 'manual' })).status).toBe(303);
  });

  it('refuses a form posted without its CSRF token', async () => {
    const form = await fetch(`${base}/sign-in`);
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect(form.headers.getSetCookie().join('\n')).toMatch(/gh_session=[^;]+;.*HttpOnly.*SameSite=Lax/i);
    const body = new URLSearchParams({ organization: 'default', email: 'admin@example.com', password: 'whatever it is' });
    const refused = await fetch(`${base}/sign-in`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('This form expired');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    body.set('_csrf', csrf);
    const accepted = await fetch(`${base}/sign-in`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
    expect(accepted.status).toBe(401); // the form was accepted; the password was wrong
  });

  describe('single sign-on', () => {
    let idpServer: IdpServer;
    let adminId: string;

    beforeAll(async () => {
      idpServer = await IdpServer.start();
      const target = await configureSaml(t, admin, idpServer.idp, { wantResponseSigned: true, roleMapping: [{ group: 'engineering', role: 'Developer' }] });
      idpServer.serve(target, `${base}/api/v1/auth/sso/default/acs`);
      adminId = (await t.api.get<{ id: string }>('/api/v1/me', admin)).body.id;
    });

    afterAll(async () => {
      await t.api.request('PUT', '/api/v1/policies', { token: admin, body: {} });
      await idpServer?.close();
    });

    /** A browser for which the ACS's redirect to PUBLIC_URL (a name that resolves nowhere here) leads to the app under test. */
    async function ssoPerson(): Promise<{ context: BrowserContext; page: Page }> {
      const made = await person();
      const publicUrl = t.config.publicUrl;
      await made.context.route(`${base}/api/v1/auth/sso/*/acs`, async (route) => {
        const response = await route.fetch({ maxRedirects: 0 });
        const location = response.headers().location ?? '';
        if (response.status() !== 303 || !location.startsWith(publicUrl)) return route.fulfill({ response });
        return route.fulfill({ status: 303, headers: { location: base + location.slice(publicUrl.length) } });
      });
      return made;
    }

    it('signs in with SSO from the sign-in page by work email: the IdP, the callback, and my account, with no token in the browser', async () => {
      idpServer.who = { nameId: 'okta|pat@corp.example', attributes: { email: ['pat@corp.example'], name: ['Pat Example'], groups: ['engineering'] } };
      const { context, page } = await ssoPerson();
      const urls: string[] = [];
      page.on('request', (request) => urls.push(request.url()));
      await page.goto(`${base}/sign-in`);
      await Promise.all([page.waitForNavigation(), page.click('#sign-in-sso')]);
      expect(await page.textContent('h1')).toBe('Sign in with single sign-on');
      await shot(page, '20-sso-form');
      await page.fill('#identifier', 'pat@corp.example');
      await page.click('main form button[type=submit]');
      await page.waitForURL(`${base}/account`);
      expect(await text(page, '#email')).toBe('pat@corp.example');
      await shot(page, '21-sso-account');
      // the one-time code passed through the callback; no token ever reached a URL the browser loaded
      expect(urls.some((url) => url.startsWith(`${base}/sign-in/sso/callback?state=`) && url.includes('code='))).toBe(true);
      expect(urls.some((url) => /accessToken|refreshToken|eyJ/.test(url))).toBe(false);
      const sql = await t.env.sql();
      try {
        const { rows } = await sql.query<{ payload: Record<string, unknown> }>(
          "select e.payload from events e join users u on u.id::text = e.subject->>'id' where e.type = 'auth.login_succeeded' and u.email = 'pat@corp.example'",
        );
        expect(rows.map((r) => r.payload)).toEqual([expect.objectContaining({ method: 'sso', connectionId: expect.any(String) })]);
      } finally {
        await sql.end();
      }
      // the code is spent: the same callback again is refused, as is a callback this browser did not start
      const callback = urls.find((url) => url.startsWith(`${base}/sign-in/sso/callback`))!;
      const again = await page.goto(callback);
      expect(again!.status()).toBe(401);
      expect(await text(page, '#form-error')).toContain('Single sign-on did not complete');
      await context.close();
    });

    it('answers an unknown organization exactly as one without SSO, and refuses a callback it did not start', async () => {
      await createOrganization(t, 'no-sso');
      const form = await fetch(`${base}/sign-in/sso`);
      const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
      const ask = async (identifier: string) => {
        const response = await fetch(`${base}/sign-in/sso`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf, identifier }),
        });
        return { status: response.status, text: (await response.text()).replace(identifier, '…') };
      };
      const unknown = await ask('no-such-organization');
      const withoutSso = await ask('no-sso');
      const unknownDomain = await ask('someone@nowhere.example');
      expect(unknown.status).toBe(404);
      expect(unknown.text).toContain('We could not find single sign-on for that organization or email');
      expect(withoutSso).toEqual(unknown);
      expect(unknownDomain).toEqual(unknown);
      const forged = await fetch(`${base}/sign-in/sso/callback?state=guess&code=${'a'.repeat(43)}`, { headers: { cookie } });
      expect(forged.status).toBe(401);
    });

    it('refuses a password in an SSO-only organization with a message that says so, and its SSO button signs the person in', async () => {
      const member = await createUser(t, { organizationId: orgId, role: 'Developer', email: 'sam@corp.example' });
      expect((await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { ssoOnly: true, breakGlassUsers: [adminId] } })).status).toBe(200);
      idpServer.who = { nameId: 'okta|sam@corp.example', attributes: { email: ['sam@corp.example'], groups: ['engineering'] } };
      const { context, page } = await ssoPerson();
      await signIn(page, member.email, member.password);
      expect(await text(page, '#form-error')).toContain('Your organization signs in through single sign-on only');
      await shot(page, '22-sso-only-refusal');
      await page.click('#sso-only button');
      await page.waitForURL(`${base}/account`);
      expect(await text(page, '#email')).toBe('sam@corp.example');
      await context.close();
      await t.api.request('PUT', '/api/v1/policies', { token: admin, body: {} });
    });

    it('says plainly when the network or the time of day refuses a sign-in', async () => {
      const member = await createUser(t, { organizationId: orgId, role: 'Developer' });
      const { context, page } = await person();
      expect((await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { ipAllowlist: [{ cidr: '10.9.9.0/24', roles: ['Developer'] }] } })).status).toBe(200);
      await signIn(page, member.email, member.password);
      expect(await text(page, '#form-error')).toContain('does not allow sign-in from the network you are on now');
      const today = new Date().getUTCDay() || 7;
      // open for a minute on a day three days away: never now
      const closed = { days: [((today + 2) % 7) + 1], start: '00:00', end: '00:01', timezone: 'UTC', roles: ['Developer'] };
      expect((await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { accessWindows: [closed] } })).status).toBe(200);
      await signIn(page, member.email, member.password);
      expect(await text(page, '#form-error')).toContain('allows sign-in only at set times');
      await shot(page, '23-outside-access-window');
      await context.close();
      await t.api.request('PUT', '/api/v1/policies', { token: admin, body: {} });
    });
  });

  it('served every page with a strict CSP and without any script', () => {
    expect(documents.length).toBeGreaterThan(15);
    for (const document of documents) {
      expect({ url: document.url, csp: document.csp }).toEqual({ url: document.url, csp: expect.stringContaining("script-src 'none'") });
      expect(document.html).not.toMatch(/<script/i);
      expect(document.html).not.toMatch(/\son[a-z]+=/i);
    }
  });
});
