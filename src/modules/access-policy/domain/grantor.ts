/**
 * The one who acts, as the privilege rules see them: their current role and what they hold.
 * Build it with grantorOf, the one place a caller's scopes narrow what they may give.
 */
export interface Grantor {
  userId: string;
  role: string;
  /** The role's permissions, narrowed to an API key's scopes when acting through a key. */
  permissions: readonly string[];
}

export type PermissionsOf = (role: string) => readonly string[];

/**
 * The grantor a caller is: their role's permissions, and when they act through an API key,
 * only those its scopes name (`scopes` null: a signed-in session, the whole role).
 */
export function grantorOf(caller: { userId: string; role: string; scopes: readonly string[] | null }, permissionsOf: PermissionsOf): Grantor {
  const { scopes } = caller;
  const permissions = permissionsOf(caller.role).filter((held) => scopes === null || scopes.includes(held));
  return { userId: caller.userId, role: caller.role, permissions };
}

/**
 * "Nobody grants a permission they do not hold": the permissions of `wanted` that `by`
 * lacks. Custom roles, their edits and resource grants all answer to it.
 */
export function permissionsBeyond(by: Grantor, wanted: readonly string[]): string[] {
  const held = new Set(by.permissions);
  return [...new Set(wanted)].filter((permission) => !held.has(permission));
}
