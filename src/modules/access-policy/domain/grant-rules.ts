import { isPermission } from './permissions';
import { permissionsBeyond, type Grantor } from './grantor';

/**
 * The catalogue permissions an action on a resource type stands for: `deploy` on an
 * `application` is `applications:deploy`. Actions the catalogue does not name stand for
 * `resources:manage` (whoever manages resources decides what they mean).
 */
export function permissionsForActions(type: string, actions: readonly string[]): string[] {
  return actions.map((action) => [`${type}s:${action}`, `${type}:${action}`].find(isPermission) ?? 'resources:manage');
}

/** What of these grants `by` may not give (empty: all may be given). */
export function grantsBeyond(by: Grantor, grants: readonly { type: string; actions: readonly string[] }[]): string[] {
  return permissionsBeyond(by, grants.flatMap((grant) => permissionsForActions(grant.type, grant.actions)));
}
