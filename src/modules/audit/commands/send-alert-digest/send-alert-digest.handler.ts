import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { SecurityAlertMail } from '../../infrastructure/security-alert-mail';
import { SendAlertDigestCommand } from './send-alert-digest.command';

@CommandHandler(SendAlertDigestCommand)
export class SendAlertDigestHandler implements ICommandHandler<SendAlertDigestCommand, number> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mail: SecurityAlertMail,
  ) {}

  async execute({ actor, organizationId }: SendAlertDigestCommand): Promise<number> {
    const { result } = await this.uow.run({ actor, organizationId }, (context) => this.mail.sendDue(context, organizationId));
    return result;
  }
}
