/**
 * What the app tells a user in their feed, by kind, and the preference topic (`inApp`) each
 * kind belongs to. The data is what the notice shows; its title is written from the data
 * when it is read, so a person's erased name leaves no title behind.
 */
export interface NoticeData {
  security_alert: { alertId: string; rule: string; title: string; severity: string; summary: string };
  invitation_outcome: {
    outcome: 'accepted' | 'expired';
    invitees: { email: string | null; name: string | null; role: string }[];
    /** invitees of the same outcome not listed */
    more: number;
  };
}

export type NoticeKind = keyof NoticeData;

export const NOTICE_TOPICS: Record<NoticeKind, 'securityAlerts' | 'invitationOutcomes'> = {
  security_alert: 'securityAlerts',
  invitation_outcome: 'invitationOutcomes',
};

export const NOTICE_KINDS = Object.keys(NOTICE_TOPICS) as NoticeKind[];

/**
 * What a reader must hold to see a kind in their feed, whatever it held when the notice came:
 * an Administrator made Viewer no longer reads alerts there, nor does a key without the scope.
 */
const NOTICE_READ_PERMISSION: Partial<Record<NoticeKind, string>> = { security_alert: 'audit:read' };

/** The kinds a reader with these permissions (and, for an API key, these scopes) may see. */
export function visibleKinds(permissions: readonly string[], scopes: readonly string[] | null): NoticeKind[] {
  return NOTICE_KINDS.filter((kind) => {
    const needed = NOTICE_READ_PERMISSION[kind];
    return !needed || (permissions.includes(needed) && (!scopes || scopes.includes(needed)));
  });
}

/** A notice for one recipient, as a command hands it over. */
export type Notice = {
  [K in NoticeKind]: { userId: string; kind: K; data: NoticeData[K]; subject: { type: string; id: string } | null };
}[NoticeKind];

const who = (invitee: { email: string | null; name: string | null }) => invitee.name ?? invitee.email ?? 'a removed user';

/** The notice in one line, in English (the API's language; a page may write its own). */
export function noticeTitle(kind: string, data: Record<string, unknown>): string {
  if (kind === 'security_alert') {
    const { severity, title } = data as NoticeData['security_alert'];
    return `Security alert (${severity}): ${title}`;
  }
  if (kind === 'invitation_outcome') {
    const { outcome, invitees, more } = data as NoticeData['invitation_outcome'];
    const count = invitees.length + more;
    if (count === 1) return outcome === 'accepted' ? `${who(invitees[0])} accepted your invitation` : `Your invitation to ${who(invitees[0])} expired`;
    return outcome === 'accepted' ? `${count} people accepted your invitations` : `${count} of your invitations expired`;
  }
  return kind;
}
