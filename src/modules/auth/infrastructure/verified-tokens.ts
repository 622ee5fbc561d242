import { Injectable } from '@nestjs/common';
import { Clock } from '../../../shared/clock';
import type { Principal } from '../../../shared/principal';

const MAX_ENTRIES = 10_000;

/**
 * Access tokens this instance already verified, kept until they expire, so a client's
 * repeated requests skip the RS256 check. Bounded (oldest out first). Revocation is still
 * checked on every request; only the signature work is saved.
 */
@Injectable()
export class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  get(token: string): Principal | null {
    const entry = this.entries.get(token);
    if (!entry) return null;
    if (entry.expiresAt <= this.clock.now().getTime()) {
      this.entries.delete(token);
      return null;
    }
    return entry.principal;
  }

  remember(token: string, principal: Principal): void {
    const expiresAt = expiryOf(token);
    if (expiresAt === null) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { principal, expiresAt });
  }

  /** After a key rotation retired keys, nothing verified under them may be reused. */
  clear(): void {
    this.entries.clear();
  }
}

function expiryOf(token: string): number | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}
