import { Injectable } from '@nestjs/common';
import { RedisService } from '../../../../infrastructure/queue/redis.service';
import { hashToken } from '../../../../infrastructure/security/token-hash';
import { IdGenerator } from '../../../../shared/ids';

/** How long an AuthnRequest we sent may be answered. */
export const REQUEST_TTL_SECONDS = 600;
/** The one-time code of the ACS redirect (API.md: at most 60 s). */
export const EXCHANGE_CODE_TTL_SECONDS = 60;
const TEST_RESULT_TTL_SECONDS = 900;

export interface PendingRequest {
  connectionId: string;
  mode: 'login' | 'test';
  relayPath: string | null;
}

export interface ExchangeGrant {
  organizationId: string;
  userId: string;
  connectionId: string;
  /** The IdP's AuthnContext showed a second factor the organization accepts. */
  mfaByIdp: boolean;
}

/**
 * SAML state every instance must share, in Redis: the ids of AuthnRequests we sent (spent
 * once, so a login started on one instance completes on another), the ids of assertions
 * already accepted (replay), the one-time exchange codes (stored hashed), and dry-run results.
 */
@Injectable()
export class SsoState {
  constructor(
    private readonly redis: RedisService,
    private readonly ids: IdGenerator,
  ) {}

  async rememberRequest(requestId: string, pending: PendingRequest): Promise<void> {
    await this.redis.client.set(this.redis.key('sso', 'request', requestId), JSON.stringify(pending), 'EX', REQUEST_TTL_SECONDS);
  }

  /** The pending request, removed atomically: a second answer to it finds nothing. */
  async takeRequest(requestId: string): Promise<PendingRequest | null> {
    const value = await this.redis.client.getdel(this.redis.key('sso', 'request', requestId));
    return value ? (JSON.parse(value) as PendingRequest) : null;
  }

  /** True the first time an assertion id is seen for the connection, false on a replay. */
  async firstUseOfAssertion(connectionId: string, assertionId: string, untilMs: number, nowMs: number): Promise<boolean> {
    const ttl = Math.max(60, Math.ceil((untilMs - nowMs) / 1000) + 300);
    const set = await this.redis.client.set(this.redis.key('sso', 'assertion', connectionId, hashToken(assertionId)), '1', 'EX', ttl, 'NX');
    return set === 'OK';
  }

  async issueCode(grant: ExchangeGrant): Promise<string> {
    const code = this.ids.secret(32);
    await this.redis.client.set(this.redis.key('sso', 'code', hashToken(code)), JSON.stringify(grant), 'EX', EXCHANGE_CODE_TTL_SECONDS);
    return code;
  }

  /** The grant behind a code, deleted in the same step: a code works once. */
  async redeemCode(code: string): Promise<ExchangeGrant | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(code)) return null;
    const value = await this.redis.client.getdel(this.redis.key('sso', 'code', hashToken(code)));
    return value ? (JSON.parse(value) as ExchangeGrant) : null;
  }

  async saveTestResult(organizationId: string, testId: string, result: unknown): Promise<void> {
    await this.redis.client.set(this.redis.key('sso', 'test', organizationId, testId), JSON.stringify(result), 'EX', TEST_RESULT_TTL_SECONDS);
  }

  async testResult(organizationId: string, testId: string): Promise<unknown> {
    const value = await this.redis.client.get(this.redis.key('sso', 'test', organizationId, testId));
    return value ? (JSON.parse(value) as unknown) : null;
  }
}
