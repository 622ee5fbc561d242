/** How a removed user is named in every read model: their profile data is erased. */
export const REMOVED_USER = 'removed user';

/** Ids in events are UUIDs; anything else (or null) names nothing, without failing the cast. */
const asUuid = (text: string): string => `(case when ${text} ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then (${text})::uuid end)`;

/**
 * The display name of what an event's actor or subject points at, read when the event is
 * projected (each lookup by primary key, scoped to the event's organization): a user's
 * name or email ("removed user" once erased), an API key's, team's, custom role's or
 * resource's name. Other kinds have no name. Reads the owning modules' tables, never writes.
 */
export function nameSql(typeExpr: string, idExpr: string, organizationExpr = 'e.organization_id'): string {
  const id = asUuid(idExpr);
  const named = (table: string, column = 'x.name') => `(select ${column} from ${table} x where x.id = ${id} and x.organization_id = ${organizationExpr})`;
  return `(case ${typeExpr}
    when 'user' then ${named('users', `case when x.status = 'removed' then '${REMOVED_USER}' else coalesce(x.name, x.email) end`)}
    when 'api_key' then ${named('api_keys')}
    when 'team' then ${named('teams')}
    when 'role' then ${named('custom_roles')}
    when 'resource' then ${named('resources')}
  end)`;
}
