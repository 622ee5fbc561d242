import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actingAs } from '../../infrastructure/acting-user';
import { Mfa, type RecoveryCodes } from '../../infrastructure/mfa';
import { Reverification } from '../../infrastructure/reverification';
import { RegenerateRecoveryCodesCommand } from './regenerate-recovery-codes.command';

@CommandHandler(RegenerateRecoveryCodesCommand)
export class RegenerateRecoveryCodesHandler implements ICommandHandler<RegenerateRecoveryCodesCommand, RecoveryCodes> {
  constructor(
    private readonly reverification: Reverification,
    private readonly mfa: Mfa,
  ) {}

  async execute({ user, code, actor }: RegenerateRecoveryCodesCommand): Promise<RecoveryCodes> {
    const recoveryCodes = await this.reverification.withCode(user, code, actingAs(actor, user), 'recovery_codes', async (context, method) => {
      const codes = await this.mfa.replaceRecoveryCodes(context.em, { id: user.userId, organizationId: user.organizationId });
      context.record({ type: 'mfa.recovery_codes_regenerated', organizationId: user.organizationId, subject: { type: 'user', id: user.userId }, payload: { confirmedWith: method } });
      return codes;
    });
    return { recoveryCodes };
  }
}
