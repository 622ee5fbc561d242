import { Query } from '@nestjs/cqrs';
import type { GrantView, ResourceView } from '../resource.view';

/** A resource with its grants; another organization's is not found. */
export class GetResourceQuery extends Query<{ resource: ResourceView; grants: GrantView[] }> {
  constructor(
    readonly organizationId: string,
    readonly resourceId: string,
  ) {
    super();
  }
}
