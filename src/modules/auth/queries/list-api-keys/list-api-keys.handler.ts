import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { ApiKey } from '../../domain/api-key.entity';
import { ApiKeyAuthenticator } from '../../infrastructure/api-key-authenticator';
import { ListApiKeysQuery, type ApiKeyView } from './list-api-keys.query';

@QueryHandler(ListApiKeysQuery)
export class ListApiKeysHandler implements IQueryHandler<ListApiKeysQuery, ApiKeyView[]> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async execute(query: ListApiKeysQuery): Promise<ApiKeyView[]> {
    const keys = await this.uow.reader(query.organizationId).find(ApiKey, { userId: query.userId }, { orderBy: { createdAt: 'desc' }, limit: 200 });
    const uses = await this.authenticator.lastUses(keys.map((key) => key.id));
    return keys.map((key) => ({
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      scopes: key.scopes,
      expiresAt: key.expiresAt.toISOString(),
      createdAt: key.createdAt.toISOString(),
      revokedAt: key.revokedAt?.toISOString() ?? null,
      lastUsedAt: uses.get(key.id)?.at ?? null,
      lastUsedIp: uses.get(key.id)?.ip ?? null,
    }));
  }
}
