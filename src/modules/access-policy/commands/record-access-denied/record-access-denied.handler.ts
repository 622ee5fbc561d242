import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { RecordAccessDeniedCommand } from './record-access-denied.command';

@CommandHandler(RecordAccessDeniedCommand)
export class RecordAccessDeniedHandler implements ICommandHandler<RecordAccessDeniedCommand, void> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(command: RecordAccessDeniedCommand): Promise<void> {
    await this.uow.run({ actor: command.actor, organizationId: command.organizationId }, async (context) => {
      context.record({
        type: 'access.denied',
        organizationId: command.organizationId,
        subject: { type: 'user', id: command.denied.userId },
        payload: { ...command.denied },
      });
    });
  }
}
