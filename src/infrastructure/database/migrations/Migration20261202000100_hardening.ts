import { Migration } from '@mikro-orm/migrations';

/** Hardening (issue 7): an MFA challenge counts its wrong codes and dies after a few. */
export class Migration20261202000100_hardening extends Migration {
  override up(): void {
    this.addSql(`
      alter table auth_challenges add column failed_attempts integer not null default 0;
      create index auth_challenges_user_open on auth_challenges (user_id) where used_at is null;
    `);
  }
}
