import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { NotFoundError } from '../../../../shared/domain-error';
import { Resource } from '../../domain/resource.entity';
import { ResourceGrant } from '../../domain/resource-grant.entity';
import { grantView, resourceView, type GrantView, type ResourceView } from '../resource.view';
import { GetResourceQuery } from './get-resource.query';

@QueryHandler(GetResourceQuery)
export class GetResourceHandler implements IQueryHandler<GetResourceQuery, { resource: ResourceView; grants: GrantView[] }> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(query: GetResourceQuery): Promise<{ resource: ResourceView; grants: GrantView[] }> {
    const em = this.uow.reader(query.organizationId);
    const resource = await em.findOne(Resource, { id: query.resourceId });
    if (!resource) throw new NotFoundError('Resource');
    const grants = await em.find(ResourceGrant, { resourceId: resource.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return { resource: resourceView(resource), grants: grants.map(grantView) };
  }
}
