import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { SamlIdentity } from '../../domain/sso/saml-identity.entity';
import { ListConnectedServicesQuery, type ConnectedServiceView } from './list-connected-services.query';

@QueryHandler(ListConnectedServicesQuery)
export class ListConnectedServicesHandler implements IQueryHandler<ListConnectedServicesQuery, ConnectedServiceView[]> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(query: ListConnectedServicesQuery): Promise<ConnectedServiceView[]> {
    const identities = await this.uow.reader(query.organizationId).find(SamlIdentity, { userId: query.userId }, { orderBy: { createdAt: 'asc' } });
    return identities.map((identity) => ({
      id: identity.id,
      type: 'saml',
      connectionId: identity.connectionId,
      nameId: identity.nameId,
      groups: identity.groups,
      linkedAt: identity.createdAt.toISOString(),
      lastLoginAt: identity.lastLoginAt.toISOString(),
    }));
  }
}
