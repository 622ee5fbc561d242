import { DomainError } from '../../../shared/domain-error';
import { pullEvents } from '../../../shared/domain-event';
import { Invitation, InvitationUnusableError } from './invitation.entity';

/** The DomainError `act` throws (fails the test when it throws none). */
function refusal(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const NOW = new Date('2026-12-01T10:00:00.000Z');
const DAY = 86_400_000;

function pending(ttlDays = 7): Invitation {
  const invitation = Invitation.issue({
    id: 'inv-1',
    organizationId: 'org-1',
    userId: 'user-1',
    emailNormalized: 'ada@example.com',
    role: 'Developer',
    tokenHash: 'hash-1',
    invitedBy: 'admin-1',
    now: NOW,
    ttlDays,
  });
  pullEvents(invitation);
  return invitation;
}

function eventTypes(invitation: Invitation): string[] {
  return pullEvents(invitation).map((recorded) => recorded.event.type);
}

describe(Invitation.name, () => {
  it('expires after the given lifetime', () => {
    expect(pending(3).expiresAt).toEqual(new Date(NOW.getTime() + 3 * DAY));
  });

  it('resends with a new token and a fresh expiry, also once expired', () => {
    const invitation = pending(1);
    const later = new Date(NOW.getTime() + 2 * DAY);
    invitation.expire(later);
    expect(invitation.status).toBe('expired');
    eventTypes(invitation);
    invitation.resend({ tokenHash: 'hash-2', now: later, ttlDays: 7 });
    expect(invitation).toMatchObject({ status: 'pending', tokenHash: 'hash-2', resentAt: later, expiresAt: new Date(later.getTime() + 7 * DAY) });
    expect(invitation.unusableReason(later)).toBeNull();
    expect(eventTypes(invitation)).toEqual(['invitation.resent']);
  });

  it('refuses to resend an accepted or revoked invitation', () => {
    const accepted = pending();
    accepted.accept(NOW);
    expect(refusal(() => accepted.resend({ tokenHash: 'x', now: NOW, ttlDays: 7 }))).toMatchObject({ code: 'INVITATIONS.NOT_RESENDABLE' });
    const revoked = pending();
    revoked.revoke(NOW);
    expect(refusal(() => revoked.resend({ tokenHash: 'x', now: NOW, ttlDays: 7 }))).toMatchObject({ code: 'INVITATIONS.NOT_RESENDABLE' });
  });

  it('revokes once, records it once, and is then refused at acceptance', () => {
    const invitation = pending();
    invitation.revoke(NOW);
    invitation.revoke(NOW);
    expect(eventTypes(invitation)).toEqual(['invitation.revoked']);
    expect(() => invitation.accept(NOW)).toThrow(InvitationUnusableError);
    expect(invitation.unusableReason(NOW)).toBe('revoked');
  });

  it('refuses to revoke an accepted invitation', () => {
    const invitation = pending();
    invitation.accept(NOW);
    expect(refusal(() => invitation.revoke(NOW))).toMatchObject({ code: 'INVITATIONS.NOT_REVOCABLE' });
  });

  it('expires only a pending invitation past its expiry', () => {
    const invitation = pending(1);
    invitation.expire(NOW);
    expect(invitation.status).toBe('pending');
    invitation.expire(new Date(NOW.getTime() + DAY));
    expect(invitation.status).toBe('expired');
    expect(invitation.unusableReason(NOW)).toBe('expired');
    expect(eventTypes(invitation)).toEqual(['invitation.expired']);
  });

  it('puts no email in any event', () => {
    const invitation = Invitation.issue({
      id: 'inv-2',
      organizationId: 'org-1',
      userId: 'user-2',
      emailNormalized: 'grace@example.com',
      role: 'Viewer',
      tokenHash: 'h',
      invitedBy: null,
      now: NOW,
    });
    invitation.resend({ tokenHash: 'h2', now: NOW, ttlDays: 7 });
    invitation.revoke(NOW);
    expect(JSON.stringify(pullEvents(invitation))).not.toContain('grace');
  });
});
