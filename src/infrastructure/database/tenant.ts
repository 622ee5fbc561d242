import { Filter } from '@mikro-orm/core';

export const TENANT_FILTER = 'tenant';

export interface TenantFilterArgs {
  organizationId: string;
}

/**
 * Scopes a tenant-owned entity by organization, on by default: a query without the
 * organization set fails instead of reading across tenants.
 */
export const TenantOwned = () =>
  Filter({
    name: TENANT_FILTER,
    cond: (args: TenantFilterArgs) => ({ organizationId: args.organizationId }),
    default: true,
  });
