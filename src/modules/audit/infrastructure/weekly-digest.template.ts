import { escapeHtml } from '../../../infrastructure/mail/escape-html';
import type { MailData, RenderedMail } from '../../../infrastructure/mail/mail-templates';
import type { DigestMailData, OrganizationWeek } from '../domain/weekly-digest';

export const WEEKLY_DIGEST_TEMPLATE = 'audit_weekly_digest';

const LINES: [keyof OrganizationWeek, string][] = [
  ['joined', 'members joined'],
  ['invited', 'people invited'],
  ['invitationsExpired', 'invitations expired'],
  ['roleChanges', 'role changes'],
  ['deactivated', 'accounts deactivated'],
  ['removed', 'accounts removed'],
  ['signIns', 'sign-ins'],
  ['failedSignIns', 'failed sign-ins'],
  ['alertsRaised', 'security alerts raised'],
  ['openAlerts', 'security alerts open now'],
];

const count = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null);

function parse(data: MailData): DigestMailData {
  const { weekStart, weekEnd, organizationName, you, organization } = data as Partial<DigestMailData>;
  if (typeof weekStart !== 'string' || typeof weekEnd !== 'string' || Number.isNaN(Date.parse(weekStart)) || Number.isNaN(Date.parse(weekEnd))) {
    throw new Error('weekly digest: weekStart and weekEnd must be ISO 8601 dates');
  }
  if (typeof organizationName !== 'string' || !organizationName) throw new Error('weekly digest: organizationName is missing');
  if (count(you?.signIns) === null) throw new Error('weekly digest: you.signIns must be a count');
  if (organization !== null && (typeof organization !== 'object' || LINES.some(([key]) => count(organization?.[key]) === null))) {
    throw new Error('weekly digest: organization must hold every count, or be null');
  }
  return { weekStart, weekEnd, organizationName, you: { signIns: you!.signIns }, organization: organization ?? null };
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * The weekly digest (notification preference `weeklyDigest`): the recipient's own sign-ins,
 * and for readers of the audit trail the organization's week in counts. Counts only: no name,
 * address or payload of anyone.
 */
export function renderWeeklyDigest(data: MailData): RenderedMail {
  const digest = parse(data);
  // the week's last day: the day before its end
  const last = new Date(Date.parse(digest.weekEnd) - 86_400_000).toISOString();
  const period = `${day(digest.weekStart)} to ${day(last)} (UTC)`;
  const yours = `You signed in ${digest.you.signIns} time${digest.you.signIns === 1 ? '' : 's'}.`;
  const figures = digest.organization ? LINES.map(([key, label]) => `${digest.organization![key]} ${label}`) : [];
  const footer = 'You get this mail because you chose a weekly digest in your notification preferences.';
  const heading = `Your week in ${digest.organizationName} on Gatehouse, ${period}:`;
  return {
    subject: `Your Gatehouse week: ${digest.organizationName}, ${period}`,
    text: [heading, '', yours, ...(figures.length ? ['', 'The organization:', ...figures.map((line) => `- ${line}`)] : []), '', footer, ''].join('\n'),
    html: [
      `<p>${escapeHtml(heading)}</p>`,
      `<p>${escapeHtml(yours)}</p>`,
      ...(figures.length ? ['<p>The organization:</p>', '<ul>', ...figures.map((line) => `<li>${escapeHtml(line)}</li>`), '</ul>'] : []),
      `<p>${escapeHtml(footer)}</p>`,
    ].join('\n'),
  };
}
