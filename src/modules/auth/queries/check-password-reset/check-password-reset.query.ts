import { Query } from '@nestjs/cqrs';

/** Whether a mailed reset link (or an expired-password step) can still set a password. */
export class CheckPasswordResetQuery extends Query<{ expiresAt: Date; organizationId: string }> {
  constructor(readonly token: string) {
    super();
  }
}
