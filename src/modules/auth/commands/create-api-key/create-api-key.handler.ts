import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { hashToken } from '../../../../infrastructure/security/token-hash';
import { Clock } from '../../../../shared/clock';
import { DomainError, type FieldError } from '../../../../shared/domain-error';
import { IdGenerator } from '../../../../shared/ids';
import { AbilityFactory, isPermission } from '../../../access-policy';
import { API_KEY_PREFIX, ApiKey } from '../../domain/api-key.entity';
import { CreateApiKeyCommand, type CreatedApiKey } from './create-api-key.command';

const MAX_LIFETIME_MS = 366 * 86_400_000;

@CommandHandler(CreateApiKeyCommand)
export class CreateApiKeyHandler implements ICommandHandler<CreateApiKeyCommand, CreatedApiKey> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly abilities: AbilityFactory,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: CreateApiKeyCommand): Promise<CreatedApiKey> {
    const now = this.clock.now();
    const errors: FieldError[] = [];
    // a key can never do more than its owner, nor more than the key it was made with
    const allowed = new Set(command.owner.scopes ?? this.abilities.permissionsOf(command.owner.role));
    command.scopes.forEach((scope, index) => {
      if (!isPermission(scope)) errors.push({ field: `scopes[${index}]`, message: `${scope} is not a permission` });
      else if (!allowed.has(scope)) errors.push({ field: `scopes[${index}]`, message: `you do not hold ${scope}` });
    });
    if (command.expiresAt <= now || command.expiresAt.getTime() - now.getTime() > MAX_LIFETIME_MS) {
      errors.push({ field: 'expiresAt', message: 'must be in the future and within a year' });
    }
    if (errors.length) throw new DomainError('API_KEYS.INVALID', 'invalid', 'The API key request is not valid', errors);

    const key = API_KEY_PREFIX + this.ids.secret(32);
    const { result } = await this.uow.run({ actor: command.actor, organizationId: command.owner.organizationId }, async ({ em }) => {
      const created = ApiKey.create({
        id: this.ids.uuid(),
        organizationId: command.owner.organizationId,
        userId: command.owner.userId,
        name: command.name,
        key,
        keyHash: hashToken(key),
        scopes: [...new Set(command.scopes)],
        expiresAt: command.expiresAt,
        now,
      });
      em.persist(created);
      return created;
    });
    return { id: result.id, key, name: result.name, prefix: result.prefix, scopes: result.scopes, expiresAt: result.expiresAt, createdAt: result.createdAt };
  }
}
