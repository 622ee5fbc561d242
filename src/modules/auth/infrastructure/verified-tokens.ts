import { Injectable } from '@nestjs/common';
import { Clock } from '../../../shared/clock';
import type { Principal } from '../../../shared/principal';
import { SigningKeys } from './signing-keys';

const MAX_ENTRIES = 10_000;

interface Entry {
  principal: Principal;
  expiresAt: number;
  kid: string;
}

/**
 * Access tokens this instance already verified, kept until they expire, so a client's
 * repeated requests skip the RS256 check. Bounded (oldest out first). Revocation is still
 * checked on every request; only the signature work is saved, and only while the token's
 * signing key still verifies here: a key retired on any instance ends its tokens.
 */
@Injectable()
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly keys: SigningKeys,
  ) {}

  get(token: string): Principal | null {
    const entry = this.entries.get(token);
    if (!entry) return null;
    if (entry.expiresAt <= this.clock.now().getTime() || !this.keys.verifies(entry.kid)) {
      this.entries.delete(token);
      return null;
    }
    return entry.principal;
  }

  remember(token: string, principal: Principal): void {
    const parts = partsOf(token);
    if (!parts) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { principal, ...parts });
  }

  /** Drops every token signed with a retired key: none may be reused. */
  forgetKey(kid: string): void {
    for (const [token, entry] of this.entries) if (entry.kid === kid) this.entries.delete(token);
  }
}

function partsOf(token: string): { expiresAt: number; kid: string } | null {
  try {
    const [header, payload] = token.split('.', 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
    return typeof payload.exp === 'number' && typeof header.kid === 'string' ? { expiresAt: payload.exp * 1000, kid: header.kid } : null;
  } catch {
    return null;
  }
}
