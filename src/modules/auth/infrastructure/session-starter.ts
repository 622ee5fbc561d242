import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import type { Actor } from '../../../shared/actor';
import { Clock } from '../../../shared/clock';
import { pullEvents } from '../../../shared/domain-event';
import { IdGenerator } from '../../../shared/ids';
import { PolicyStore, type PolicyDocument } from '../../access-policy';
import { UserAccounts } from '../../users';
import { Session, type AuthMethod } from '../domain/session.entity';
import { SessionTokens } from './session-tokens';
import { TokenIssuer, type TokenPair } from './token-issuer';

export interface SessionSubject {
  id: string;
  organizationId: string;
  role: string;
}

/** Opens a session for a user who has just proved who they are, and mints its tokens. */
@Injectable()
export class SessionStarter {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly tokens: TokenIssuer,
    private readonly rows: SessionTokens,
    private readonly policies: PolicyStore,
    private readonly users: UserAccounts,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** `policy`: the organization's, when the caller already read it. */
  async start(actor: Actor, user: SessionSubject, method: AuthMethod, policy?: PolicyDocument, details?: Record<string, unknown>): Promise<TokenPair> {
    const refresh = this.tokens.newRefreshToken();
    const document = policy ?? (await this.policies.get(user.organizationId)).document;
    const { result: session } = await this.uow.runStatements(
      { actor: { ...actor, type: 'user', id: user.id, organizationId: user.organizationId }, organizationId: user.organizationId },
      async (context) => {
        const started = Session.start({
          id: this.ids.uuid(),
          organizationId: user.organizationId,
          userId: user.id,
          role: user.role,
          method,
          ip: actor.ip,
          userAgent: actor.userAgent,
          refreshTokenHash: refresh.hash,
          now: this.clock.now(),
          maxLifetimeMinutes: document.session.maxLifetimeMinutes,
          details,
        });
        await this.rows.insert(context, started);
        for (const { event } of pullEvents(started)) context.record(event);
        await this.users.recordSignIn(context, user);
        return started;
      },
    );
    return this.tokens.pair(this.claims(user, session.id), refresh.token);
  }

  claims(user: SessionSubject, sessionId: string) {
    // no platform-operator claim: that power is read from its grant when used, so it ends with the grant
    return { sub: user.id, org: user.organizationId, sid: sessionId, role: user.role };
  }
}
