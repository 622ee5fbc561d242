import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import type { Actor } from '../../../shared/actor';
import { Clock } from '../../../shared/clock';
import { PolicyStore, type PolicyDocument } from '../../access-policy';
import { Challenges } from './challenges';

export interface PasswordExpiredStep {
  passwordExpired: true;
  /** Single use, 10 minutes: POST /auth/password/reset { token, password }. */
  passwordToken: string;
}

const EXPIRED_STEP_SECONDS = 600;

/**
 * The policy's optional password expiry. Checked only once the user has proved every
 * factor, so an expired password never opens a way around MFA.
 */
@Injectable()
export class PasswordExpiry {
  constructor(
    private readonly policies: PolicyStore,
    private readonly challenges: Challenges,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async check(
    actor: Actor,
    user: { id: string; organizationId: string; passwordChangedAt: Date | null; createdAt: Date },
    policy?: PolicyDocument,
  ): Promise<PasswordExpiredStep | null> {
    const { expiryDays } = (policy ?? (await this.policies.get(user.organizationId)).document).password;
    if (expiryDays === null) return null;
    const changed = user.passwordChangedAt ?? user.createdAt;
    if (changed.getTime() + expiryDays * 86_400_000 > this.clock.now().getTime()) return null;
    const { result: passwordToken } = await this.uow.run(
      { actor: { ...actor, type: 'user', id: user.id, organizationId: user.organizationId }, organizationId: user.organizationId },
      async (context) => {
        context.record({
          type: 'auth.password_expired',
          organizationId: user.organizationId,
          subject: { type: 'user', id: user.id },
          payload: { expiryDays },
        });
        return this.challenges.issue(context, { organizationId: user.organizationId, userId: user.id, purpose: 'password_reset', ttlSeconds: EXPIRED_STEP_SECONDS });
      },
    );
    return { passwordExpired: true, passwordToken };
  }
}
