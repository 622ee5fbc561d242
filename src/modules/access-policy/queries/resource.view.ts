import type { Resource } from '../domain/resource.entity';
import type { ResourceGrant } from '../domain/resource-grant.entity';

export interface ResourceView {
  id: string;
  type: string;
  externalId: string;
  name: string;
  teamId: string | null;
  createdAt: Date;
}

export interface GrantView {
  id: string;
  resourceId: string;
  principal: { type: 'user' | 'team' | 'role'; id: string };
  actions: string[];
  expiresAt: Date | null;
}

export function resourceView(resource: Resource): ResourceView {
  return { id: resource.id, type: resource.type, externalId: resource.externalId, name: resource.name, teamId: resource.teamId, createdAt: resource.createdAt };
}

export function grantView(grant: ResourceGrant): GrantView {
  return { id: grant.id, resourceId: grant.resourceId, principal: { type: grant.principalType, id: grant.principalId }, actions: grant.actions, expiresAt: grant.expiresAt };
}
