import { Migration } from '@mikro-orm/migrations';

/**
 * Teams (departments nest by parent_id; membership with leads; a saved dashboard) owned by
 * the teams module; custom roles, resources and their grants owned by access-policy.
 * Grants name their principal as text: a user or team id, or a role (a custom role's id or
 * a built-in role's name).
 */
export class Migration20261202001000_teams extends Migration {
  override up(): void {
    this.addSql(`
      create table teams (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        name text not null,
        description text,
        parent_id uuid references teams(id) deferrable initially deferred,
        dashboard jsonb not null default '{"widgets":[],"filters":{}}',
        archived_at timestamptz,
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      create unique index teams_org_name_uq on teams (organization_id, lower(name)) where archived_at is null;
      create index teams_org_keyset on teams (organization_id, created_at, id);
      create index teams_parent on teams (parent_id);

      create table team_members (
        team_id uuid not null references teams(id) deferrable initially deferred,
        user_id uuid not null references users(id) deferrable initially deferred,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        lead boolean not null default false,
        joined_at timestamptz not null,
        primary key (team_id, user_id)
      );
      create index team_members_user on team_members (organization_id, user_id);

      create table custom_roles (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        name text not null,
        description text,
        permissions jsonb not null,
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      create unique index custom_roles_org_name_uq on custom_roles (organization_id, lower(name));

      create table resources (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        type text not null,
        external_id text not null,
        name text not null,
        team_id uuid references teams(id) deferrable initially deferred,
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      create unique index resources_org_type_external_uq on resources (organization_id, type, external_id);
      create index resources_org_keyset on resources (organization_id, created_at, id);

      create table resource_grants (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        resource_id uuid not null references resources(id) on delete cascade deferrable initially deferred,
        principal_type text not null check (principal_type in ('user', 'team', 'role')),
        principal_id text not null,
        actions jsonb not null,
        expires_at timestamptz,
        granted_by uuid,
        created_at timestamptz not null
      );
      create index resource_grants_principal on resource_grants (organization_id, principal_type, principal_id);
      create index resource_grants_resource on resource_grants (resource_id);

      create index invitations_team_ids on invitations using gin (team_ids) where status = 'pending';
    `);
  }
}
