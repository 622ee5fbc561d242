import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../shared/clock';
import { AccountStanding } from '../contracts/account-standing';
import { TeamMemberships } from '../contracts/team-memberships';
import { UserAbility, type GrantInput } from '../domain/user-ability';
import { AuthzVersions } from './authz-versions';
import { Ports } from './ports';
import { RoleCatalogue } from './role-catalogue';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_CACHED = 100_000;

interface GrantRow {
  id: string;
  resource_id: string;
  type: string;
  external_id: string;
  actions: string[];
  expires_at: string | Date | null;
  principal_type: 'user' | 'team' | 'role';
  principal_id: string;
}

/**
 * One ability per user, combining role, custom role, team leads' rules and resource grants.
 * Cached in process under the user's stamp (organization version + user version in Redis):
 * any change that affects it bumps a version, and every instance rebuilds on its very next
 * request. A cold build is a few lean queries on the connection, off the unit of work.
 */
@Injectable()
export class Abilities {
  private readonly cache = new Map<string, { stamp: string; ability: UserAbility }>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly versions: AuthzVersions,
    private readonly roles: RoleCatalogue,
    private readonly ports: Ports,
    private readonly clock: Clock,
  ) {}

  /**
   * The user's ability, or null when no such user is in the organization. `alongside`: the
   * stamp's keys as authentication read them for this request (ReadAlongside), if it did.
   */
  async forUser(organizationId: string, userId: string, alongside?: ReadonlyMap<string, string | null>): Promise<UserAbility | null> {
    if (!UUID.test(userId)) return null;
    const key = `${organizationId}:${userId.toLowerCase()}`;
    const stamp = await this.versions.stamp(organizationId, userId.toLowerCase(), alongside);
    const now = this.clock.now().getTime();
    const cached = this.cache.get(key);
    if (cached && stamp !== null && cached.stamp === stamp && (cached.ability.validUntil === null || now < cached.ability.validUntil)) {
      return cached.ability;
    }
    const ability = await this.build(organizationId, userId.toLowerCase(), now);
    if (ability && stamp !== null) {
      this.cache.delete(key);
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, { stamp, ability });
    }
    return ability;
  }

  private async build(organizationId: string, userId: string, now: number): Promise<UserAbility | null> {
    const standing = await this.ports.get(AccountStanding).standingOf(organizationId, userId);
    if (!standing) return null;
    const [role, teams] = await Promise.all([
      this.roles.find(organizationId, standing.role),
      this.ports.get(TeamMemberships).teamsOf(organizationId, userId),
    ]);
    const rolePrincipals = [standing.role, ...(role?.id ? [role.id] : [])];
    const rows = await this.uow
      .reader(organizationId)
      .getConnection()
      .execute<GrantRow[]>(
        `select g.id, g.resource_id, r.type, r.external_id, g.actions, g.expires_at, g.principal_type, g.principal_id
           from resource_grants g join resources r on r.id = g.resource_id and r.organization_id = g.organization_id
          where g.organization_id = ?
            and ((g.principal_type = 'user' and g.principal_id = ?)
              or (g.principal_type = 'team' and g.principal_id in (select jsonb_array_elements_text(?::jsonb)))
              or (g.principal_type = 'role' and g.principal_id in (select jsonb_array_elements_text(?::jsonb))))`,
        // lists travel as JSON: knex would spread an array into a list of placeholders
        [organizationId, userId, JSON.stringify(teams.map((team) => team.teamId)), JSON.stringify(rolePrincipals)],
        'all',
      );
    const grants: GrantInput[] = rows.map((row) => ({
      grantId: row.id,
      resourceId: row.resource_id,
      type: row.type,
      externalId: row.external_id,
      actions: row.actions,
      expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
      principal: { type: row.principal_type, id: row.principal_id },
    }));
    return new UserAbility(
      {
        userId,
        status: standing.status,
        role: standing.role,
        customRole: role?.custom ?? false,
        rolePermissions: role?.permissions ?? [],
        teams,
        grants,
      },
      now,
    );
  }
}
