import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { SigningKeys } from '../../infrastructure/signing-keys';
import { VerifiedTokens } from '../../infrastructure/verified-tokens';
import { RotateSigningKeyCommand } from './rotate-signing-key.command';

@CommandHandler(RotateSigningKeyCommand)
export class RotateSigningKeyHandler implements ICommandHandler<RotateSigningKeyCommand, { kid: string; retired: string[] }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly keys: SigningKeys,
    private readonly verified: VerifiedTokens,
  ) {}

  async execute({ actor }: RotateSigningKeyCommand): Promise<{ kid: string; retired: string[] }> {
    // the keys are the platform's; the event goes to the operator's own organization
    const { result } = await this.uow.run({ actor, organizationId: actor.organizationId }, async (context) => {
      const rotated = await this.keys.rotate(context.em);
      context.record({
        type: 'signing_key.rotated',
        organizationId: actor.organizationId,
        subject: { type: 'signing_key', id: rotated.kid },
        payload: { kid: rotated.kid, retired: rotated.retired },
      });
      return rotated;
    });
    await this.keys.reload();
    if (result.retired.length) this.verified.clear();
    return result;
  }
}
