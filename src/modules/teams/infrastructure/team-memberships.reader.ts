import { Injectable } from '@nestjs/common';
import type { Knex } from '@mikro-orm/postgresql';
import { UnitOfWork, type CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../shared/clock';
import { TeamMemberships } from '../../access-policy';
import { TeamDirectory, type TeamRef } from '../../users';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Membership answers for the modules below: access-policy (a user's teams and departments,
 * on the ability's cold path) and users (invitations, the list filter, a user's teams).
 * Lean queries on the connection; the tables are this module's own.
 */
@Injectable()
export class TeamMembershipsReader implements TeamMemberships, TeamDirectory {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  private execute<T>(organizationId: string, sql: string, params: unknown[], em?: CommandContext['em']): Promise<T[]> {
    const source = em ?? this.uow.reader(organizationId);
    return source.getConnection().execute<T[]>(sql, params, 'all', em?.getTransactionContext<Knex.Transaction>());
  }

  async teamsOf(organizationId: string, userId: string): Promise<{ teamId: string; lead: boolean; name: string; direct: boolean }[]> {
    if (!UUID.test(userId)) return [];
    // the user's teams and every department above them; a grant to a department reaches its teams' members
    const rows = await this.execute<{ id: string; name: string; lead: boolean; direct: boolean }>(
      organizationId,
      `with recursive up as (
         select t.id, t.name, t.parent_id, m.lead, true as direct, 0 as depth
           from team_members m join teams t on t.id = m.team_id and t.organization_id = m.organization_id
          where m.organization_id = ? and m.user_id = ? and t.archived_at is null
         union all
         select p.id, p.name, p.parent_id, false, false, up.depth + 1
           from teams p join up on p.id = up.parent_id
          where p.organization_id = ? and p.archived_at is null and up.depth < 64
       )
       select id, name, bool_or(lead) as lead, bool_or(direct) as direct from up group by id, name order by name`,
      [organizationId, userId, organizationId],
    );
    return rows.map((row) => ({ teamId: row.id, name: row.name, lead: row.lead && row.direct, direct: row.direct }));
  }

  async teamsOfUser(organizationId: string, userId: string): Promise<TeamRef[]> {
    return (await this.teamsOf(organizationId, userId)).filter((team) => team.direct).map((team) => ({ id: team.teamId, name: team.name, lead: team.lead }));
  }

  async isActiveTeam(organizationId: string, teamId: string): Promise<boolean> {
    return (await this.activeTeams(organizationId, [teamId])).length === 1;
  }

  async activeTeams(organizationId: string, teamIds: readonly string[], em?: CommandContext['em']): Promise<string[]> {
    const ids = teamIds.filter((id) => UUID.test(id)).map((id) => id.toLowerCase());
    if (!ids.length) return [];
    const rows = await this.execute<{ id: string }>(
      organizationId,
      'select id from teams where organization_id = ? and archived_at is null and id in (select (jsonb_array_elements_text(?::jsonb))::uuid)',
      [organizationId, JSON.stringify(ids)],
      em,
    );
    return rows.map((row) => row.id);
  }

  async memberIds(organizationId: string, teamId: string): Promise<string[] | null> {
    if (!UUID.test(teamId)) return null;
    const [team] = await this.execute<{ id: string }>(organizationId, 'select id from teams where organization_id = ? and id = ?', [organizationId, teamId]);
    if (!team) return null;
    const rows = await this.execute<{ user_id: string }>(organizationId, 'select user_id from team_members where organization_id = ? and team_id = ?', [organizationId, teamId]);
    return rows.map((row) => row.user_id);
  }

  async join(context: CommandContext, organizationId: string, userId: string, teamIds: readonly string[]): Promise<string[]> {
    // inside the caller's transaction: a second connection per accept could starve the pool
    const active = await this.activeTeams(organizationId, teamIds, context.em);
    const joined: string[] = [];
    for (const teamId of active) {
      const inserted = await this.execute<{ team_id: string }>(
        organizationId,
        `insert into team_members (team_id, user_id, organization_id, lead, joined_at) values (?, ?, ?, false, ?)
         on conflict do nothing returning team_id`,
        [teamId, userId, organizationId, this.clock.now()],
        context.em,
      );
      if (!inserted.length) continue;
      joined.push(teamId);
      context.record({ type: 'team.member_added', organizationId, subject: { type: 'team', id: teamId }, payload: { userId, lead: false, via: 'invitation' } });
    }
    return joined;
  }

  async leaveAll(context: CommandContext, organizationId: string, userId: string): Promise<string[]> {
    const rows = await this.execute<{ team_id: string }>(
      organizationId,
      'delete from team_members where organization_id = ? and user_id = ? returning team_id',
      [organizationId, userId],
      context.em,
    );
    for (const row of rows) {
      context.record({ type: 'team.member_removed', organizationId, subject: { type: 'team', id: row.team_id }, payload: { userId, via: 'user_removed' } });
    }
    return rows.map((row) => row.team_id);
  }
}
