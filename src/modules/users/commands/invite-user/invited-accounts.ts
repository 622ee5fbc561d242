import type { Knex } from '@mikro-orm/postgresql';
import type { CommandContext } from '../../../../infrastructure/event-store/unit-of-work';
import type { Invitation } from '../../domain/invitation.entity';
import type { User } from '../../domain/user.entity';

/** A new account in status `invited` and its invitation, built by their aggregates' factories. */
export interface InvitedAccount {
  user: User;
  invitation: Invitation;
}

/**
 * Writes new invited accounts and their invitations set-wise, in one statement in the
 * command's transaction: what the ORM wrote as two multi-row INSERTs after tracking, comparing
 * and snapshotting two entities a row (two-thirds of a batch's CPU with the garbage they left).
 * An address another transaction took meanwhile is skipped (ON CONFLICT DO NOTHING waits for
 * that transaction to end), and its invitation with it; answers the ids of the users written.
 * The rows go in address order, so batches that overlap in any order queue on each other's
 * addresses rather than deadlock.
 */
export async function insertInvitedAccounts(context: CommandContext, accounts: InvitedAccount[]): Promise<Set<string>> {
  if (!accounts.length) return new Set();
  const sorted = [...accounts].sort((a, b) => (a.user.emailNormalized! < b.user.emailNormalized! ? -1 : 1));
  const rows = sorted.map(({ user, invitation }) => ({
    user_id: user.id,
    organization_id: user.organizationId,
    email: user.email,
    email_normalized: user.emailNormalized,
    user_role: user.role,
    user_status: user.status,
    user_created_at: user.createdAt.toISOString(),
    user_updated_at: user.updatedAt.toISOString(),
    invitation_id: invitation.id,
    invitation_email_normalized: invitation.emailNormalized,
    invitation_role: invitation.role,
    token_hash: invitation.tokenHash,
    invitation_status: invitation.status,
    invited_by: invitation.invitedBy,
    expires_at: invitation.expiresAt.toISOString(),
    invitation_created_at: invitation.createdAt.toISOString(),
    team_ids: invitation.teamIds,
  }));
  const written = await context.em.getConnection().execute<{ id: string }[]>(
    `with input as (
       select * from jsonb_to_recordset(?::jsonb) as r(
         user_id uuid, organization_id uuid, email text, email_normalized text, user_role text, user_status text,
         user_created_at timestamptz, user_updated_at timestamptz, invitation_id uuid, invitation_email_normalized text,
         invitation_role text, token_hash text, invitation_status text, invited_by uuid, expires_at timestamptz,
         invitation_created_at timestamptz, team_ids jsonb)
     ), created as (
       insert into users (id, organization_id, email, email_normalized, role, status, created_at, updated_at)
       select user_id, organization_id, email, email_normalized, user_role, user_status, user_created_at, user_updated_at from input
       on conflict (organization_id, email_normalized) where email_normalized is not null do nothing
       returning id
     ), invited as (
       insert into invitations (id, organization_id, user_id, email_normalized, role, token_hash, status, invited_by, expires_at, created_at, team_ids)
       select invitation_id, organization_id, user_id, invitation_email_normalized, invitation_role, token_hash, invitation_status, invited_by, expires_at,
              invitation_created_at, team_ids
         from input join created on created.id = input.user_id
       returning user_id
     )
     select user_id as id from invited`,
    [JSON.stringify(rows)],
    'all',
    context.em.getTransactionContext<Knex.Transaction>(),
  );
  return new Set(written.map((row) => row.id));
}
