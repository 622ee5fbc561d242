import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { ApiKey } from '../../domain/api-key.entity';
import { RevokeApiKeyCommand } from './revoke-api-key.command';

@CommandHandler(RevokeApiKeyCommand)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(command: RevokeApiKeyCommand): Promise<void> {
    await this.uow.run({ actor: command.actor, organizationId: command.organizationId }, async ({ em }) => {
      // someone else's key is not found, not forbidden
      const key = await em.findOne(ApiKey, { id: command.apiKeyId, userId: command.ownerId });
      if (!key) throw new NotFoundError('API key');
      key.revoke(this.clock.now(), 'owner');
    });
  }
}
