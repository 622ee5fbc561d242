import type { SamlSettings } from './saml-settings';
import { roleForGroups, teamsForGroups } from './saml-settings';

export interface MappedAssertion {
  nameId: string;
  email: string | null;
  name: string | null;
  groups: string[];
  role: string;
  teamIds: string[];
  authnContext: string | null;
  /** The AuthnContext names a second factor this connection accepts. */
  mfaByIdp: boolean;
}

/** What the signed assertion says, mapped through the admin's settings (pure; the dry run shows this). */
export function mapAssertion(
  settings: SamlSettings,
  assertion: { nameId: string; authnContext: string | null; attributes: Record<string, string[]> },
): MappedAssertion {
  const one = (name: string) => assertion.attributes[name]?.find((v) => v.length > 0) ?? null;
  const email = one(settings.attributes.email)?.toLowerCase() ?? null;
  const groups = [...new Set(assertion.attributes[settings.attributes.groups] ?? [])].filter(Boolean).sort();
  return {
    nameId: assertion.nameId,
    email: email && /^[^\s@]+@[^\s@]+$/.test(email) && email.length <= 320 ? email : null,
    name: one(settings.attributes.name)?.slice(0, 200) ?? null,
    groups,
    role: roleForGroups(settings, groups),
    teamIds: teamsForGroups(settings, groups),
    authnContext: assertion.authnContext,
    mfaByIdp: !!assertion.authnContext && settings.mfaAuthnContexts.includes(assertion.authnContext),
  };
}
