import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import type { Actor } from '../../../shared/actor';
import type { DomainEvent } from '../../../shared/domain-event';
import { AccessGate, PolicyStore, type PolicyDocument } from '../../access-policy';
import type { SignInCandidate } from '../../users';
import type { AuthMethod } from '../domain/session.entity';
import { SsoOnlyError } from '../domain/sso/sso-only.error';
import { Challenges } from './challenges';
import { SamlConnections } from './sso/saml-connections';
import { LoginThrottle } from './login-throttle';
import { Mfa } from './mfa';
import { PasswordExpiry, type PasswordExpiredStep } from './password-expiry';
import { SessionStarter } from './session-starter';
import type { TokenPair } from './token-issuer';

/** A first factor was right; a second step comes first (a code, or enrolling because policy says so). */
export type MfaStep = { mfaRequired: true; mfaToken: string } | { mfaEnrollmentRequired: true; mfaToken: string };

export type SignInResult = TokenPair | MfaStep | PasswordExpiredStep;

const MFA_STEP_SECONDS = 300;

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
    private readonly mfa: Mfa,
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
   * An SSO-only organization (its policy's switch, or its enabled connection's) refuses a
   * password or an invitation here, except for break-glass users, who must then pass MFA
   * whatever their role, enrolling first if they have none.
   */
  async afterFirstFactor(actor: Actor, candidate: SignInCandidate, method: 'password' | 'invitation', account: string): Promise<SignInResult> {
    // one read of the policy serves the whole sign-in
    const [factor, { document }] = await Promise.all([this.mfa.find(this.uow.reader(candidate.organizationId), candidate.id), this.policies.get(candidate.organizationId)]);
    const ssoOnly = await this.ssoOnly(candidate.organizationId, document);
    await this.admit(actor, candidate, method, document, ssoOnly);
    const mustEnrol = !factor?.enabled && (ssoOnly || document.mfa.requiredForRoles.includes(candidate.role));
    if (!factor?.enabled && !mustEnrol) return this.complete(actor, candidate, method, account, document);
    return this.challenge(actor, candidate, method, mustEnrol);
  }

  /**
   * A sign-in vouched for by the organization's IdP. The IdP's AuthnContext satisfies the MFA
   * requirement only when it names a second factor the connection accepts (`mfaByIdp`);
   * otherwise the local MFA step applies as after a password: a code when the user has a
   * factor, enrolment when the role requires one. No expired-password step: there is no password.
   */
  async afterSso(actor: Actor, candidate: SignInCandidate, mfaByIdp: boolean, details: Record<string, unknown>): Promise<TokenPair | MfaStep> {
    const [factor, policy] = await Promise.all([this.mfa.find(this.uow.reader(candidate.organizationId), candidate.id), this.policies.get(candidate.organizationId)]);
    if (mfaByIdp) return this.sessions.start(actor, candidate, 'sso_mfa', policy.document, details);
    const mustEnrol = !factor?.enabled && policy.document.mfa.requiredForRoles.includes(candidate.role);
    if (!factor?.enabled && !mustEnrol) return this.sessions.start(actor, candidate, 'sso', policy.document, details);
    return this.challenge(actor, candidate, 'sso', mustEnrol);
  }

  private async challenge(actor: Actor, candidate: SignInCandidate, method: 'password' | 'invitation' | 'sso', mustEnrol: boolean): Promise<MfaStep> {
    const { result: mfaToken } = await this.uow.run(
      { actor: { ...actor, type: 'user', id: candidate.id, organizationId: candidate.organizationId }, organizationId: candidate.organizationId },
      async (context) => {
        const token = this.challenges.issue(context, {
          organizationId: candidate.organizationId,
          userId: candidate.id,
          purpose: mustEnrol ? 'mfa_enroll' : 'mfa_verify',
          ttlSeconds: MFA_STEP_SECONDS,
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

  /** Every factor is proved (the second one just now): the expired-password step, or a session. */
  async finish(actor: Actor, candidate: SignInCandidate, method: AuthMethod, account: string): Promise<TokenPair | PasswordExpiredStep> {
    const { document } = await this.policies.get(candidate.organizationId);
    await this.admit(actor, candidate, method, document, await this.ssoOnly(candidate.organizationId, document));
    return this.complete(actor, candidate, method, account, document);
  }

  private async complete(actor: Actor, candidate: SignInCandidate, method: AuthMethod, account: string, document: PolicyDocument): Promise<TokenPair | PasswordExpiredStep> {
    await this.throttle.rememberAddress(account, actor.ip);
    return (await this.expiry.check(actor, candidate, document)) ?? this.sessions.start(actor, candidate, method, document);
  }

  private async ssoOnly(organizationId: string, document: PolicyDocument): Promise<boolean> {
    return document.ssoOnly || (await this.connections.ssoOnly(organizationId));
  }

  /**
   * The IP allow-list and access windows (AccessGate), and SSO-only for passwords and
   * invitations; break-glass users pass them, recorded. Said only after the first factor was
   * right, so a refusal tells nothing about which accounts exist.
   */
  private async admit(actor: Actor, candidate: SignInCandidate, method: AuthMethod, document: PolicyDocument, ssoOnly: boolean): Promise<void> {
    const caller = { organizationId: candidate.organizationId, userId: candidate.id, role: candidate.role, ip: actor.ip };
    const as = { ...actor, type: 'user' as const, id: candidate.id, organizationId: candidate.organizationId };
    const failed = (reason: string): DomainEvent => ({
      type: 'auth.login_failed',
      organizationId: candidate.organizationId,
      subject: { type: 'user', id: candidate.id },
      payload: { method, reason },
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
