import type { EntityManager } from '@mikro-orm/postgresql';
import { hashToken } from '../../../infrastructure/security/token-hash';
import { TENANT_FILTER } from '../../../infrastructure/database/tenant';
import { Invitation, InvitationUnusableError } from '../domain/invitation.entity';

/**
 * Finds an invitation by its token. The invitee is not signed in, so the organization is
 * not known yet: this is the one lookup that crosses tenants, keyed by a 256-bit secret.
 */
export async function findInvitationByToken(em: EntityManager, token: string): Promise<Invitation> {
  if (!/^[A-Za-z0-9_-]{20,128}$/.test(token)) throw new InvitationUnusableError('unknown');
  const invitation = await em.findOne(
    Invitation,
    { tokenHash: hashToken(token) },
    { filters: { [TENANT_FILTER]: false } },
  );
  if (!invitation) throw new InvitationUnusableError('unknown');
  return invitation;
}
