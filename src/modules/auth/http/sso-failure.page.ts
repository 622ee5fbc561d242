import { escapeHtml } from '../../../infrastructure/mail/escape-html';

/** The one answer a browser gets for any failed SSO sign-in, whatever the reason. */
export const SSO_FAILURE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in failed</title></head>
<body><h1>Sign-in failed</h1><p>Single sign-on did not succeed. Try again, or ask your administrator.</p><p><a href="/sign-in/sso">Sign in with SSO again</a></p></body></html>
`;

/** An admin's dry run: what the IdP sent and how it would map (all values escaped; nothing was created). */
export function ssoTestPage(result: unknown): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SSO connection test</title></head>
<body><h1>SSO connection test</h1><p>Nothing was created. What the IdP sent and how Gatehouse would map it:</p>
<pre>${escapeHtml(JSON.stringify(result, null, 2))}</pre></body></html>
`;
}
