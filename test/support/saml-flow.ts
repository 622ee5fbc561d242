import type { TestApp } from './test-app';
import { type TestIdp, type AssertionSpec } from './saml-idp';

export type SamlSp = ReturnType<TestIdp['serviceProvider']>;

/** The SP side of one organization as the IdP and the browser see it. */
export interface SamlTarget {
  slug: string;
  acsUrl: string;
  entityId: string;
  sp: SamlSp;
}

export async function configureSaml(t: TestApp, token: string, idp: TestIdp, settings: Record<string, unknown>, slug = 'default'): Promise<SamlTarget> {
  const saved = await t.api.request('PUT', '/api/v1/sso/saml', { token, body: { enabled: true, ...idp.settings(), domains: ['corp.example'], ...settings } });
  if (saved.status !== 200) throw new Error(`SSO settings not saved: ${saved.status} ${saved.text}`);
  const metadata = await t.api.get(`/api/v1/auth/sso/${slug}/metadata`);
  if (metadata.status !== 200) throw new Error(`no SP metadata: ${metadata.status}`);
  return {
    slug,
    acsUrl: `${t.config.publicUrl}/api/v1/auth/sso/${slug}/acs`,
    entityId: `${t.config.publicUrl}/api/v1/auth/sso/${slug}/metadata`,
    sp: idp.serviceProvider(metadata.text),
  };
}

/** GET /login as a browser would, and the IdP reading the AuthnRequest it was sent to. */
export async function startLogin(app: TestApp, idp: TestIdp, target: SamlTarget, relayState = '/welcome'): Promise<{ requestId: string; sigAlg: string | null }> {
  const response = await fetch(`${app.api.baseUrl}/api/v1/auth/sso/${target.slug}/login?relayState=${encodeURIComponent(relayState)}`, { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`login did not redirect: ${response.status}`);
  return idp.receive(target.sp, response.headers.get('location')!);
}

export async function postAcs(app: TestApp, target: SamlTarget, samlResponse: string, relayState?: string): Promise<{ status: number; location: string | null; text: string }> {
  const form = new URLSearchParams({ SAMLResponse: samlResponse, ...(relayState ? { RelayState: relayState } : {}) });
  const response = await fetch(`${app.api.baseUrl}/api/v1/auth/sso/${target.slug}/acs`, { method: 'POST', body: form, redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), text: await response.text() };
}

/** Redirect → IdP → POST to the ACS; the outcome of the ACS. */
export async function ssoLogin(app: TestApp, idp: TestIdp, target: SamlTarget, spec: AssertionSpec, finishOn: TestApp = app) {
  const { requestId } = await startLogin(app, idp, target);
  const samlResponse = await idp.mint(target.sp, target.acsUrl, target.entityId, { inResponseTo: requestId, ...spec });
  return postAcs(finishOn, target, samlResponse);
}

export function codeOf(location: string | null): string {
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (!code) throw new Error(`no code in ${location}`);
  return code;
}
