import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { RateLimits } from '../../../infrastructure/security/rate-limits';
import type { Actor } from '../../../shared/actor';
import { Clock } from '../../../shared/clock';
import type { DomainEvent } from '../../../shared/domain-event';
import { AccessRestrictedError } from '../domain/access-restricted.error';
import { describeRefusal, evaluateAccessPolicy, type AccessDecision } from '../domain/access-evaluation';
import type { PolicyDocument } from '../domain/policy-document';
import { PolicyStore } from './policy-store';
import { Ports } from '../infrastructure/ports';
import { TeamMemberships } from './team-memberships';

/** Where a credential is being used: its sign-in, a refresh, or any authenticated request. */
export type AccessStage = 'sign_in' | 'refresh' | 'request';

export interface AccessCaller {
  organizationId: string;
  userId: string;
  role: string;
  ip: string | null;
}

/** The event types security detection keys on (names shared with the detector). */
export const ACCESS_EVENTS = {
  ipRefused: 'access.ip_refused',
  outsideWindow: 'access.outside_window',
  breakGlassUsed: 'access.break_glass_used',
} as const;

/**
 * Applies the organization's IP allow-list and access windows to a user at sign-in, at
 * refresh and on every request (evaluateAccessPolicy decides; this reads the cached policy,
 * records and refuses). Refusals are `access.ip_refused` / `access.outside_window`; a
 * break-glass user's pass is `access.break_glass_used` (high). On requests both are
 * recorded as samples (the 1st, 10th, 100th… of a window, with the count), since a client
 * retrying in a loop would otherwise write an event per request.
 */
@Injectable()
export class AccessGate {
  constructor(
    private readonly policies: PolicyStore,
    private readonly ports: Ports,
    private readonly uow: UnitOfWork,
    private readonly limits: RateLimits,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The verdict for `caller` at `at` (now by default), with no side effect. */
  async decide(caller: AccessCaller & { mfaSatisfied?: boolean }, document?: PolicyDocument, at?: Date): Promise<{ decision: AccessDecision; document: PolicyDocument }> {
    const policy = document ?? (await this.policies.get(caller.organizationId)).document;
    // team membership is asked only when some window names teams: the hot path stays query-free
    const teamIds = policy.accessWindows.some((window) => window.teams) ? (await this.ports.get(TeamMemberships).teamsOf(caller.organizationId, caller.userId)).map((team) => team.teamId) : [];
    const decision = evaluateAccessPolicy(policy, {
      userId: caller.userId,
      role: caller.role,
      teamIds,
      ip: caller.ip,
      now: at ?? this.clock.now(),
      mfaSatisfied: caller.mfaSatisfied,
    });
    return { decision, document: policy };
  }

  /**
   * Lets `caller` through or throws AccessRestrictedError (403). `onRefusal`: events the
   * caller adds to the refusal's transaction (the sign-in's auth.login_failed); `bypassed`:
   * restrictions of its own a break-glass caller already passed (SSO-only), to record with the rest.
   */
  async admit(
    actor: Actor,
    caller: AccessCaller,
    stage: AccessStage,
    options: { document?: PolicyDocument; onRefusal?: (reason: string) => DomainEvent[]; bypassed?: string[] } = {},
  ): Promise<AccessDecision> {
    const { decision, document } = await this.decide(caller, options.document);
    const bypassed = [...(decision.breakGlass?.bypassed ?? []), ...(options.bypassed ?? [])];
    if (decision.allowed && !bypassed.length) return decision;
    if (!decision.allowed && (decision.reason === 'ip_restricted' || decision.reason === 'outside_access_window')) {
      const sampled = await this.sample(stage, `${caller.organizationId}|${caller.userId}|${caller.ip ?? '-'}|${decision.reason}`);
      if (sampled !== null) {
        await this.record(actor, caller, [
          {
            type: decision.reason === 'ip_restricted' ? ACCESS_EVENTS.ipRefused : ACCESS_EVENTS.outsideWindow,
            organizationId: caller.organizationId,
            subject: { type: 'user', id: caller.userId },
            payload: { stage, ip: caller.ip, rule: decision.rule, detail: describeRefusal(document, decision, caller.ip), severity: 'medium', ...sampled },
          },
          ...(options.onRefusal?.(decision.reason) ?? []),
        ]);
      }
      throw new AccessRestrictedError(decision.reason);
    }
    const sampled = await this.sample(stage, `${caller.organizationId}|${caller.userId}|${caller.ip ?? '-'}|break-glass`);
    if (sampled !== null) {
      await this.record(actor, caller, [
        {
          type: ACCESS_EVENTS.breakGlassUsed,
          organizationId: caller.organizationId,
          subject: { type: 'user', id: caller.userId },
          payload: { stage, bypassed, ip: caller.ip, rule: decision.rule, severity: 'high', ...sampled },
        },
      ]);
    }
    return decision;
  }

  /**
   * admit() for an authenticated request: answered synchronously (no promise, and no actor
   * built) when this instance holds the organization's policy, no window of it names teams,
   * and the caller is plainly let through; anything else (a refusal, a break-glass pass to
   * record, a policy to read) goes through admit().
   */
  admitRequest(caller: AccessCaller, actor: () => Actor): AccessDecision | Promise<AccessDecision> {
    const policy = this.policies.cached(caller.organizationId)?.document;
    const decision = policy ? this.plainlyAdmitted(caller, policy) : null;
    return decision ?? this.admit(actor(), caller, 'request', { document: policy });
  }

  /**
   * The verdict when `document` alone lets `caller` plainly through (no refusal, no break-glass
   * pass to record), with no read and no side effect; null for anything else, and whenever a
   * window names teams (a membership read): admit() decides and records those.
   */
  plainlyAdmitted(caller: AccessCaller, document: PolicyDocument): AccessDecision | null {
    if (document.accessWindows.some((window) => window.teams)) return null;
    const decision = evaluateAccessPolicy(document, { userId: caller.userId, role: caller.role, teamIds: [], ip: caller.ip, now: this.clock.now() });
    return decision.allowed && !decision.breakGlass?.bypassed.length ? decision : null;
  }

  /** Sign-in and refresh are recorded each time; requests as samples (null: not this one). */
  private async sample(stage: AccessStage, key: string): Promise<Record<string, unknown> | null> {
    if (stage !== 'request') return {};
    const windowSeconds = this.config.values.rateLimits.refusalSampleSeconds;
    const count = await this.limits.sample('access-request', key, windowSeconds);
    return count === null ? null : { sampled: { count, windowSeconds } };
  }

  private async record(actor: Actor, caller: AccessCaller, events: DomainEvent[]): Promise<void> {
    await this.uow.run({ actor: { ...actor, organizationId: caller.organizationId }, organizationId: caller.organizationId }, async (context) => {
      for (const event of events) context.record(event);
    });
  }
}
