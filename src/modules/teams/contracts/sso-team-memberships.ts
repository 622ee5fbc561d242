import { Injectable } from '@nestjs/common';
import type { Knex } from '@mikro-orm/postgresql';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../shared/clock';
import { TeamMembershipsReader } from '../infrastructure/team-memberships.reader';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SsoTeamSync {
  organizationId: string;
  userId: string;
  connectionId: string;
  /** The teams the IdP's groups map to now; memberships this connection set earlier and not listed here end. */
  teamIds: readonly string[];
}

export interface SsoTeamSyncOutcome {
  added: string[];
  removed: string[];
}

/**
 * The team memberships SAML sign-in manages, for auth (above teams). A login joins the user
 * to each mapped active team they are not in, and ends the memberships its connection set
 * earlier that the IdP no longer lists. A membership an admin set by hand is never added
 * over, changed or ended here.
 */
@Injectable()
export class SsoTeamMemberships {
  constructor(
    private readonly reader: TeamMembershipsReader,
    private readonly clock: Clock,
  ) {}

  /** The ids among `teamIds` that name no active team of the organization. */
  async unknownTeams(organizationId: string, teamIds: readonly string[]): Promise<string[]> {
    const active = new Set(await this.reader.activeTeams(organizationId, teamIds));
    return teamIds.filter((id) => !active.has(id.toLowerCase()));
  }

  /** Inside the sign-in's transaction; the caller bumps the user's authz version after commit when anything changed. */
  async sync(context: CommandContext, input: SsoTeamSync): Promise<SsoTeamSyncOutcome> {
    const { organizationId, userId, connectionId } = input;
    const listed = JSON.stringify([...new Set(input.teamIds.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))].sort());
    const execute = <T>(sql: string, params: unknown[]) =>
      context.em.getConnection().execute<T[]>(sql, params, 'all', context.em.getTransactionContext<Knex.Transaction>());
    // shared locks on the mapped teams, in one order: an archive or a hand-set membership of
    // the same team waits for this sign-in instead of meeting a row it did not expect
    const active = await execute<{ id: string }>(
      `select id from teams where organization_id = ? and archived_at is null
          and id in (select (jsonb_array_elements_text(?::jsonb))::uuid) order by id for share`,
      [organizationId, listed],
    );
    const added: string[] = [];
    if (active.length) {
      const rows = await execute<{ team_id: string }>(
        `insert into team_members (team_id, user_id, organization_id, lead, joined_at, sso_connection_id)
         select (jsonb_array_elements_text(?::jsonb))::uuid, ?, ?, false, ?, ?
         on conflict do nothing returning team_id`,
        [JSON.stringify(active.map((row) => row.id)), userId, organizationId, this.clock.now(), connectionId],
      );
      added.push(...rows.map((row) => row.team_id).sort());
    }
    const removed = (
      await execute<{ team_id: string }>(
        `delete from team_members where organization_id = ? and user_id = ? and sso_connection_id = ?
            and team_id not in (select (jsonb_array_elements_text(?::jsonb))::uuid) returning team_id`,
        [organizationId, userId, connectionId, listed],
      )
    )
      .map((row) => row.team_id)
      .sort();
    for (const teamId of added) {
      context.record({ type: 'team.member_added', organizationId, subject: { type: 'team', id: teamId }, payload: { userId, lead: false, source: 'sso', connectionId } });
    }
    for (const teamId of removed) {
      context.record({ type: 'team.member_removed', organizationId, subject: { type: 'team', id: teamId }, payload: { userId, source: 'sso', connectionId } });
    }
    return { added, removed };
  }
}
