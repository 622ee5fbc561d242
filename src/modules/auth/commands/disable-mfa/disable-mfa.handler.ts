import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actingAs } from '../../infrastructure/acting-user';
import { Mfa } from '../../infrastructure/mfa';
import { Reverification } from '../../infrastructure/reverification';
import { DisableMfaCommand } from './disable-mfa.command';

@CommandHandler(DisableMfaCommand)
export class DisableMfaHandler implements ICommandHandler<DisableMfaCommand, void> {
  constructor(
    private readonly reverification: Reverification,
    private readonly mfa: Mfa,
  ) {}

  async execute({ user, code, actor }: DisableMfaCommand): Promise<void> {
    await this.reverification.withCode(user, code, actingAs(actor, user), 'disable', async (context, method) => {
      await this.mfa.remove(context.em, user.userId);
      context.record({ type: 'mfa.disabled', organizationId: user.organizationId, subject: { type: 'user', id: user.userId }, payload: { confirmedWith: method } });
    });
  }
}
