import { escapeHtml } from '../escape-html';
import type { MailData, RenderedMail } from '../mail-templates';

export const INVITATION_TEMPLATE = 'invitation';

/** What the invitation mail says; every value but the link may come from a user. */
export interface InvitationMailData {
  organizationName: string;
  inviterName: string | null;
  role: string;
  /** The one-time acceptance link, built from PUBLIC_URL. */
  link: string;
  /** ISO 8601. */
  expiresAt: string;
}

function text(data: MailData, key: keyof InvitationMailData, nullable = false): string | null {
  const value = data[key];
  if (value === null && nullable) return null;
  if (typeof value !== 'string' || !value.trim()) throw new Error(`invitation mail: ${key} must be a non-empty string`);
  return value;
}

function parse(data: MailData): InvitationMailData {
  const link = text(data, 'link')!;
  if (!/^https?:\/\//i.test(link)) throw new Error('invitation mail: link must be an http(s) URL');
  const expiresAt = text(data, 'expiresAt')!;
  if (Number.isNaN(Date.parse(expiresAt))) throw new Error('invitation mail: expiresAt must be an ISO 8601 date');
  return {
    organizationName: text(data, 'organizationName')!,
    inviterName: text(data, 'inviterName', true),
    role: text(data, 'role')!,
    link,
    expiresAt,
  };
}

/** "2026-12-06 14:30 UTC": unambiguous for every reader, whatever their locale. */
function formatExpiry(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The invitation to join an organization: its name, who invited, the role and the one-time link. */
export function renderInvitation(data: MailData): RenderedMail {
  const mail = parse(data);
  const expires = formatExpiry(mail.expiresAt);
  const invited = mail.inviterName
    ? `${mail.inviterName} invited you to join ${mail.organizationName} on Gatehouse as ${mail.role}.`
    : `You have been invited to join ${mail.organizationName} on Gatehouse as ${mail.role}.`;
  const invitedHtml = mail.inviterName
    ? `<strong>${escapeHtml(mail.inviterName)}</strong> invited you to join <strong>${escapeHtml(mail.organizationName)}</strong> on Gatehouse as <strong>${escapeHtml(mail.role)}</strong>.`
    : `You have been invited to join <strong>${escapeHtml(mail.organizationName)}</strong> on Gatehouse as <strong>${escapeHtml(mail.role)}</strong>.`;
  const link = escapeHtml(mail.link);

  return {
    subject: `You're invited to ${mail.organizationName} on Gatehouse`,
    text: [
      'Hello,',
      '',
      invited,
      '',
      'Accept the invitation and choose your password here:',
      mail.link,
      '',
      `The link works once and expires on ${expires}.`,
      'If you did not expect this invitation, you can ignore this mail.',
      '',
    ].join('\n'),
    html: [
      '<!DOCTYPE html>',
      '<html><head><meta charset="utf-8"><title>Invitation</title></head>',
      '<body style="font-family: sans-serif; line-height: 1.5; color: #222;">',
      '<p>Hello,</p>',
      `<p>${invitedHtml}</p>`,
      `<p><a href="${link}" style="display: inline-block; padding: 10px 16px; background: #1f4fd1; color: #fff; text-decoration: none; border-radius: 4px;">Accept the invitation</a></p>`,
      `<p>Or open this link: <a href="${link}">${link}</a></p>`,
      `<p style="color: #666; font-size: 0.9em;">The link works once and expires on ${escapeHtml(expires)}. If you did not expect this invitation, you can ignore this mail.</p>`,
      '</body></html>',
      '',
    ].join('\n'),
  };
}
