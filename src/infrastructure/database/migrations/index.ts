import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128000000_foundation } from './Migration20261128000000_foundation';
import { Migration20261129000000_sign_in } from './Migration20261129000000_sign_in';
import { Migration20261129000100_mail } from './Migration20261129000100_mail';
import { Migration20261129000200_users } from './Migration20261129000200_users';
import { Migration20261202000100_hardening } from './Migration20261202000100_hardening';
import { Migration20261202000200_platform_operators } from './Migration20261202000200_platform_operators';
import { Migration20261202001000_teams } from './Migration20261202001000_teams';
import { Migration20261202003000_projection_positions } from './Migration20261202003000_projection_positions';
import { Migration20261202003100_audit_checkpoints } from './Migration20261202003100_audit_checkpoints';
import { Migration20261202003200_audit_webhooks } from './Migration20261202003200_audit_webhooks';
import { Migration20261202005000_sso } from './Migration20261202005000_sso';
import { Migration20261203000100_sso_team_memberships } from './Migration20261203000100_sso_team_memberships';
import { Migration20261203000300_audit_projections } from './Migration20261203000300_audit_projections';
import { Migration20261203000400_security_alerts } from './Migration20261203000400_security_alerts';
import { Migration20261203000500_audit_partitioning } from './Migration20261203000500_audit_partitioning';
import { Migration20261203001000_event_append_function } from './Migration20261203001000_event_append_function';
import { Migration20261203002100_profile_extras_function } from './Migration20261203002100_profile_extras_function';
import { Migration20261203004000_append_wakes_after_commit } from './Migration20261203004000_append_wakes_after_commit';
import { Migration20261203005000_event_sealer } from './Migration20261203005000_event_sealer';
import { Migration20261203006000_seal_deletes_by_organization } from './Migration20261203006000_seal_deletes_by_organization';
import { Migration20261203007000_seal_plans_each_call } from './Migration20261203007000_seal_plans_each_call';

/** Every migration, in order; listed explicitly so the same list runs from src/ and dist/. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261128000000_foundation', class: Migration20261128000000_foundation },
  { name: 'Migration20261129000000_sign_in', class: Migration20261129000000_sign_in },
  { name: 'Migration20261129000100_mail', class: Migration20261129000100_mail },
  { name: 'Migration20261129000200_users', class: Migration20261129000200_users },
  { name: 'Migration20261202000100_hardening', class: Migration20261202000100_hardening },
  { name: 'Migration20261202000200_platform_operators', class: Migration20261202000200_platform_operators },
  { name: 'Migration20261202001000_teams', class: Migration20261202001000_teams },
  { name: 'Migration20261202003000_projection_positions', class: Migration20261202003000_projection_positions },
  { name: 'Migration20261202003100_audit_checkpoints', class: Migration20261202003100_audit_checkpoints },
  { name: 'Migration20261202003200_audit_webhooks', class: Migration20261202003200_audit_webhooks },
  { name: 'Migration20261202005000_sso', class: Migration20261202005000_sso },
  { name: 'Migration20261203000100_sso_team_memberships', class: Migration20261203000100_sso_team_memberships },
  { name: 'Migration20261203000300_audit_projections', class: Migration20261203000300_audit_projections },
  { name: 'Migration20261203000400_security_alerts', class: Migration20261203000400_security_alerts },
  { name: 'Migration20261203000500_audit_partitioning', class: Migration20261203000500_audit_partitioning },
  { name: 'Migration20261203001000_event_append_function', class: Migration20261203001000_event_append_function },
  { name: 'Migration20261203002100_profile_extras_function', class: Migration20261203002100_profile_extras_function },
  { name: 'Migration20261203004000_append_wakes_after_commit', class: Migration20261203004000_append_wakes_after_commit },
  { name: 'Migration20261203005000_event_sealer', class: Migration20261203005000_event_sealer },
  { name: 'Migration20261203006000_seal_deletes_by_organization', class: Migration20261203006000_seal_deletes_by_organization },
  { name: 'Migration20261203007000_seal_plans_each_call', class: Migration20261203007000_seal_plans_each_call },
];
