import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../../shared/pagination';
import type { ResourceView } from '../resource.view';

export class ListResourcesQuery extends Query<Page<ResourceView>> {
  constructor(
    readonly organizationId: string,
    readonly filter: { type?: string; teamId?: string; externalId?: string },
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
