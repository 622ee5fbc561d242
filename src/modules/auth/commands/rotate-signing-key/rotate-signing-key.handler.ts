import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { PlatformOperators } from '../../../users';
import { SigningKeys } from '../../infrastructure/signing-keys';
import { SigningKeyRetirements } from '../../infrastructure/signing-key-retirements';
import { RotateSigningKeyCommand } from './rotate-signing-key.command';

@CommandHandler(RotateSigningKeyCommand)
export class RotateSigningKeyHandler implements ICommandHandler<RotateSigningKeyCommand, { kid: string; retired: string[] }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly keys: SigningKeys,
    private readonly retirements: SigningKeyRetirements,
    private readonly operators: PlatformOperators,
  ) {}

  async execute({ actor, by }: RotateSigningKeyCommand): Promise<{ kid: string; retired: string[] }> {
    // the keys are the platform's; the event goes to the operator's own organization
    const { result } = await this.uow.run({ actor, organizationId: actor.organizationId }, async (context) => {
      // the grant, read now: a token or key that outlived a demotion carries no operator power
      await this.operators.assertOperator(context.em, by);
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
    // every instance, not only this one, stops accepting tokens signed with the retired keys
    await this.retirements.announce(result);
    return result;
  }
}
