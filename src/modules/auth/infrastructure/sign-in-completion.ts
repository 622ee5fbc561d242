import { Injectable } from '@nestjs/common';
import { HotReads } from '../../../infrastructure/database/hot-reads';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import type { Actor } from '../../../shared/actor';
import type { DomainEvent } from '../../../shared/domain-event';
import { AccessGate, PolicyStore, type PolicyDocument } from '../../access-policy';
import type { SignInCandidate } from '../../users';
import type { AuthMethod } from '../domain/session.entity';
import { SsoOnlyError } from '../domain/sso/sso-only.error';
import { Challenges } from './challenges';
import { SamlConnections } from './sso/saml-connections';
import { LoginThrottle, type Reservation } from './login-throttle';
import { PasswordExpiry, type PasswordExpiredStep } from './password-expiry';
import { SessionStarter } from './session-starter';
import type { TokenPair } from './token-issuer';

/** A first factor was right; a second step comes first (a code, or enrolling because policy says so). */
export type MfaStep = { mfaRequired: true; mfaToken: string } | { mfaEnrollmentRequired: true; mfaToken: string };

export type SignInResult = TokenPair | MfaStep | PasswordExpiredStep;

const MFA_STEP_SECONDS = 300;

/** Whether the user has a confirmed second factor, and whether an enabled SAML connection makes the organization SSO-only. */
export interface SignInFactors {
  mfaEnabled: boolean;
  ssoOnlyConnection: boolean;
}

/**
 * The one way a sign-in ends, whatever proved the first factor (a password, an accepted
 * invitation): the MFA step when the user has a factor or the organization requires one
 * for their role, then the expired-password step, then a session. Before each step the
 * organization's "where and when" applies (IP allow-list, access windows, SSO-only for
 * passwords): checked after the first factor, so only someone who proved it learns of a
 * refusal, and again when the second factor arrives, perhaps from elsewhere.
 */
@Injectable()
export class SignInCompletion {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly hot: HotReads,
    private readonly policies: PolicyStore,
    private readonly challenges: Challenges,
    private readonly expiry: PasswordExpiry,
    private readonly sessions: SessionStarter,
    private readonly throttle: LoginThrottle,
    private readonly gate: AccessGate,
    private readonly connections: SamlConnections,
  ) {}

  /**
   * `account`: the throttle's key for the user, so a completed sign-in makes its address known.
   * `reservation`: the first factor's brute-force reservation, settled here as a success once the
   * outcome is known, so a completed sign-in's address is remembered in the same round trip;
   * settled whatever happens after (a refusal by policy, an MFA step). An SSO-only organization
   * (its policy's switch, or its enabled connection's) refuses a password or an invitation here,
   * except for break-glass users, who must then pass MFA whatever their role, enrolling first if
   * they have none.
   */
  async afterFirstFactor(
    actor: Actor,
    candidate: SignInCandidate,
    method: 'password' | 'invitation',
    account: string,
    reservation?: Reservation,
    factors: Promise<SignInFactors> = this.factors(candidate),
  ): Promise<SignInResult> {
    let settled = false;
    const settle = async (rememberAddress: boolean) => {
      if (settled) return;
      settled = true;
      if (reservation) await reservation.succeeded({ rememberAddress });
      else if (rememberAddress) await this.throttle.rememberAddress(account, actor.ip);
    };
    try {
      // one read of the policy serves the whole sign-in
      const [{ mfaEnabled, ssoOnlyConnection }, { document }] = await Promise.all([factors, this.policies.get(candidate.organizationId)]);
      const ssoOnly = document.ssoOnly || ssoOnlyConnection;
      await this.admit(actor, candidate, method, document, ssoOnly);
      const mustEnrol = !mfaEnabled && (ssoOnly || document.mfa.requiredForRoles.includes(candidate.role));
      if (!mfaEnabled && !mustEnrol) return await this.complete(actor, candidate, method, document, () => settle(true));
      return await this.challenge(actor, candidate, method, mustEnrol);
    } finally {
      await settle(false);
    }
  }

  /**
   * A sign-in vouched for by the organization's IdP. The IdP's AuthnContext satisfies the MFA
   * requirement only when it names a second factor the connection accepts (`mfaByIdp`);
   * otherwise the local MFA step applies as after a password: a code when the user has a
   * factor, enrolment when the role requires one. No expired-password step: there is no password.
   */
  async afterSso(actor: Actor, candidate: SignInCandidate, mfaByIdp: boolean, details: Record<string, unknown>): Promise<TokenPair | MfaStep> {
    const [{ mfaEnabled }, policy] = await Promise.all([this.factors(candidate), this.policies.get(candidate.organizationId)]);
    // the IdP vouches for who, not for where and when: the IP allow-list and access windows apply as to a password
    await this.admit(actor, candidate, mfaByIdp ? 'sso_mfa' : 'sso', policy.document, false, details);
    if (mfaByIdp) return this.sessions.start(actor, candidate, 'sso_mfa', policy.document, details);
    const mustEnrol = !mfaEnabled && policy.document.mfa.requiredForRoles.includes(candidate.role);
    if (!mfaEnabled && !mustEnrol) return this.sessions.start(actor, candidate, 'sso', policy.document, details);
    return this.challenge(actor, candidate, 'sso', mustEnrol, details.connectionId as string);
  }

  private async challenge(actor: Actor, candidate: SignInCandidate, method: 'password' | 'invitation' | 'sso', mustEnrol: boolean, ssoConnectionId: string | null = null): Promise<MfaStep> {
    const { result: mfaToken } = await this.uow.run(
      { actor: { ...actor, type: 'user', id: candidate.id, organizationId: candidate.organizationId }, organizationId: candidate.organizationId },
      async (context) => {
        const token = this.challenges.issue(context, {
          organizationId: candidate.organizationId,
          userId: candidate.id,
          purpose: mustEnrol ? 'mfa_enroll' : 'mfa_verify',
          ttlSeconds: MFA_STEP_SECONDS,
          ssoConnectionId,
        });
        context.record({
          type: 'auth.mfa_challenged',
          organizationId: candidate.organizationId,
          subject: { type: 'user', id: candidate.id },
          payload: { method, enrolmentRequired: mustEnrol },
        });
        return token;
      },
    );
    return mustEnrol ? { mfaEnrollmentRequired: true, mfaToken } : { mfaRequired: true, mfaToken };
  }

  /**
   * Every factor is proved (the second one just now): the expired-password step, or a session.
   * `ssoConnectionId`: the step continued an SSO sign-in, so the session is an SSO one
   * (`sso_mfa`, no password to expire, not refused by SSO-only).
   */
  async finish(actor: Actor, candidate: SignInCandidate, account: string, ssoConnectionId: string | null): Promise<TokenPair | PasswordExpiredStep> {
    const { document } = await this.policies.get(candidate.organizationId);
    const method: AuthMethod = ssoConnectionId ? 'sso_mfa' : 'password_mfa';
    const details = ssoConnectionId ? { connectionId: ssoConnectionId } : {};
    await this.admit(actor, candidate, method, document, await this.ssoOnly(candidate.organizationId, document), details);
    if (ssoConnectionId) return this.sessions.start(actor, candidate, method, document, details);
    return this.complete(actor, candidate, method, document, () => this.throttle.rememberAddress(account, actor.ip));
  }

  /** `rememberAddress`: makes the address known to the account (every factor is proved from it). */
  private async complete(actor: Actor, candidate: SignInCandidate, method: AuthMethod, document: PolicyDocument, rememberAddress: () => Promise<void>): Promise<TokenPair | PasswordExpiredStep> {
    // the settlement and the session at once: neither waits for the other, and a sign-in's
    // round trips after its verify keep the hashing pool from the next one; both are done
    // before the answer, whichever fails
    const step = async () => (await this.expiry.check(actor, candidate, document)) ?? this.sessions.start(actor, candidate, method, document);
    const [remembered, outcome] = await Promise.allSettled([rememberAddress(), step()]);
    if (remembered.status === 'rejected') throw remembered.reason;
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  }

  /**
   * What every first factor is followed by, in one round trip: whether the user has a
   * confirmed second factor, and whether the organization's enabled SAML connection makes it
   * SSO-only. A prepared statement on the pool: the ORM's two forks and finds cost more than
   * the rest of a sign-in past argon2. A password sign-in reads it while the password is
   * checked (`afterFirstFactor`'s `factors`), so that round trip does not follow the verify.
   */
  async factors(candidate: { id: string; organizationId: string }): Promise<SignInFactors> {
    const [row] = await this.hot.rows<{ mfa_enabled: boolean; sso_only: boolean }>(
      'sign_in.factors',
      `select exists (select 1 from user_mfa where organization_id = $1 and user_id = $2 and confirmed_at is not null) as mfa_enabled,
              exists (select 1 from saml_connections where organization_id = $1 and enabled and settings->'ssoOnly' = 'true'::jsonb) as sso_only`,
      [candidate.organizationId, candidate.id],
    );
    return { mfaEnabled: row.mfa_enabled, ssoOnlyConnection: row.sso_only };
  }

  private async ssoOnly(organizationId: string, document: PolicyDocument): Promise<boolean> {
    return document.ssoOnly || (await this.connections.ssoOnly(organizationId));
  }

  /**
   * The IP allow-list and access windows (AccessGate), and SSO-only for passwords and
   * invitations; break-glass users pass them, recorded. Said only after the first factor was
   * right, so a refusal tells nothing about which accounts exist.
   */
  private async admit(actor: Actor, candidate: SignInCandidate, method: AuthMethod, document: PolicyDocument, ssoOnly: boolean, details: Record<string, unknown> = {}): Promise<void> {
    const caller = { organizationId: candidate.organizationId, userId: candidate.id, role: candidate.role, ip: actor.ip };
    const as = { ...actor, type: 'user' as const, id: candidate.id, organizationId: candidate.organizationId };
    const failed = (reason: string): DomainEvent => ({
      type: 'auth.login_failed',
      organizationId: candidate.organizationId,
      subject: { type: 'user', id: candidate.id },
      payload: { method, reason, ...details },
    });
    const breakGlass = document.breakGlassUsers.includes(candidate.id.toLowerCase());
    const refusedBySso = ssoOnly && (method.startsWith('password') || method === 'invitation');
    if (refusedBySso && !breakGlass) {
      // an invitee's account is active by now; they sign in through the IdP
      if (method !== 'invitation') await this.uow.run({ actor: as, organizationId: candidate.organizationId }, async (context) => context.record(failed('sso_only')));
      throw new SsoOnlyError();
    }
    await this.gate.admit(as, caller, 'sign_in', { document, onRefusal: (reason) => [failed(reason)], bypassed: refusedBySso ? ['sso_only'] : [] });
  }
}
