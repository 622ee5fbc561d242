import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { WeeklyDigestMail } from '../../infrastructure/weekly-digest-mail';
import { SendWeeklyDigestCommand } from './send-weekly-digest.command';

@CommandHandler(SendWeeklyDigestCommand)
export class SendWeeklyDigestHandler implements ICommandHandler<SendWeeklyDigestCommand, number> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly digest: WeeklyDigestMail,
  ) {}

  async execute({ actor, organizationId, week }: SendWeeklyDigestCommand): Promise<number> {
    // the hourly round asks every organization not mailed yet: most have nobody who chose it
    if (!(await this.digest.anyoneWants(organizationId))) return 0;
    const setting = await this.digest.prepare(organizationId);
    const { result } = await this.uow.run({ actor, organizationId }, (context) => this.digest.send(context, organizationId, week, setting));
    return result;
  }
}
