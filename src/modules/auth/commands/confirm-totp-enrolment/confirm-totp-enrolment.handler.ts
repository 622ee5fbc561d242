import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { actingAs } from '../../infrastructure/acting-user';
import { Mfa, type RecoveryCodes } from '../../infrastructure/mfa';
import { ConfirmTotpEnrolmentCommand } from './confirm-totp-enrolment.command';

@CommandHandler(ConfirmTotpEnrolmentCommand)
export class ConfirmTotpEnrolmentHandler implements ICommandHandler<ConfirmTotpEnrolmentCommand, RecoveryCodes> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mfa: Mfa,
  ) {}

  async execute({ user, code, actor }: ConfirmTotpEnrolmentCommand): Promise<RecoveryCodes> {
    const { result } = await this.uow.run({ actor: actingAs(actor, user), organizationId: user.organizationId }, ({ em }) =>
      this.mfa.confirmEnrolment(em, { id: user.userId, organizationId: user.organizationId }, code),
    );
    return { recoveryCodes: result };
  }
}
