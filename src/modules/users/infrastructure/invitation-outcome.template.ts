import { escapeHtml } from '../../../infrastructure/mail/escape-html';
import type { MailData, RenderedMail } from '../../../infrastructure/mail/mail-templates';

export const INVITATION_OUTCOME_TEMPLATE = 'invitation_outcome';

/** Invitees named in one mail; the rest are counted. */
export const INVITEES_IN_MAIL = 20;

export interface InviteeLine {
  email: string;
  name: string | null;
  role: string;
}

function isInvitee(value: unknown): value is InviteeLine {
  const line = value as Partial<InviteeLine> | null;
  return typeof line === 'object' && line !== null && typeof line.email === 'string' && typeof line.role === 'string' && (line.name === null || typeof line.name === 'string');
}

const who = (invitee: InviteeLine) => (invitee.name ? `${invitee.name} (${invitee.email})` : invitee.email);

/**
 * Tells whoever sent invitations that they were accepted or expired (their notification
 * preference `invitationOutcomes`): who, with which role; for expired ones, that they can be
 * resent. Never a link or token of the invitation itself.
 */
export function renderInvitationOutcome(data: MailData): RenderedMail {
  const outcome = data.outcome;
  if (outcome !== 'accepted' && outcome !== 'expired') throw new Error('invitation outcome mail: outcome must be accepted or expired');
  const invitees = Array.isArray(data.invitees) ? data.invitees.filter(isInvitee) : [];
  if (!invitees.length) throw new Error('invitation outcome mail: invitees are missing');
  const more = typeof data.more === 'number' && data.more > 0 ? data.more : 0;
  const count = invitees.length + more;
  const [first] = invitees;
  const subject =
    outcome === 'accepted'
      ? count === 1
        ? `${who(first)} accepted your invitation`
        : `${count} people accepted your invitations`
      : count === 1
        ? `Your invitation to ${first.email} expired`
        : `${count} invitations you sent expired`;
  const opening = outcome === 'accepted' ? 'These invitations you sent were accepted; each joined with the role shown:' : 'These invitations you sent expired before anyone accepted them:';
  const closing = outcome === 'expired' ? 'An Administrator or Manager can resend one from the invitations list (POST /api/v1/invitations/:id/resend) if the person still needs access.' : null;
  const lines = invitees.map((invitee) => `${who(invitee)}, ${invitee.role}`);
  const moreLine = more ? `…and ${more} more (GET /api/v1/invitations).` : null;
  const footer = 'You get this mail because you chose invitation outcomes in your notification preferences.';
  return {
    subject,
    text: [opening, '', ...lines.map((line) => `- ${line}`), ...(moreLine ? [moreLine] : []), '', ...(closing ? [closing, ''] : []), footer, ''].join('\n'),
    html: [
      `<p>${escapeHtml(opening)}</p>`,
      '<ul>',
      ...lines.map((line) => `<li>${escapeHtml(line)}</li>`),
      '</ul>',
      ...(moreLine ? [`<p>${escapeHtml(moreLine)}</p>`] : []),
      ...(closing ? [`<p>${escapeHtml(closing)}</p>`] : []),
      `<p>${escapeHtml(footer)}</p>`,
    ].join('\n'),
  };
}
