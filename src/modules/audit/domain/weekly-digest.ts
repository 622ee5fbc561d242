const DAY_MS = 86_400_000;

/** A week of the digest: Monday 00:00 UTC to the next Monday 00:00 UTC. */
export interface DigestWeek {
  start: Date;
  end: Date;
}

/** The week that holds `at`. */
export function weekOf(at: Date): DigestWeek {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  const start = new Date(day - sinceMonday * DAY_MS);
  return { start, end: new Date(start.getTime() + 7 * DAY_MS) };
}

/** The last week that is over at `now`: the one the digest sent then tells of. */
export function lastCompleteWeek(now: Date): DigestWeek {
  return weekOf(new Date(weekOf(now).start.getTime() - DAY_MS));
}

/** The event types the organization's part of the digest counts, under the names the mail shows. */
export const ORGANIZATION_FIGURES = {
  joined: 'user.activated',
  invited: 'user.invited',
  invitationsExpired: 'invitation.expired',
  roleChanges: 'user.role_changed',
  deactivated: 'user.deactivated',
  removed: 'user.removed',
  signIns: 'auth.login_succeeded',
  failedSignIns: 'auth.login_failed',
  alertsRaised: 'security.alert_raised',
} as const;

export type OrganizationFigure = keyof typeof ORGANIZATION_FIGURES;

/** The organization's week, in counts; only for readers of the audit trail (`audit:read`). */
export type OrganizationWeek = Record<OrganizationFigure, number> & { openAlerts: number };

/** What one recipient's digest says: their own week, and the organization's when they may read the trail. */
export interface DigestMailData {
  weekStart: string;
  weekEnd: string;
  organizationName: string;
  you: { signIns: number };
  organization: OrganizationWeek | null;
  [key: string]: unknown;
}
