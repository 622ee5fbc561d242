import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { MappedAssertion } from '../../domain/sso/assertion-mapping';

export type SamlResponseOutcome =
  | { kind: 'login'; redirectUrl: string }
  | { kind: 'test'; testId: string; result: SsoTestResult };

export interface SsoTestResult {
  connectionId: string;
  at: string;
  sent: { nameId: string; authnContext: string | null; attributes: Record<string, string[]> };
  mapped: MappedAssertion;
  account: { existingUserId: string | null; wouldProvision: boolean; refusal: string | null };
}

/** A SAMLResponse posted to an organization's ACS. */
export class ConsumeSamlResponseCommand extends Command<SamlResponseOutcome> {
  constructor(
    readonly organizationSlug: string,
    readonly samlResponse: unknown,
    readonly relayState: unknown,
    readonly actor: Actor,
  ) {
    super();
  }
}
