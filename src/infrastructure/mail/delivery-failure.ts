interface MailError {
  name?: unknown;
  code?: unknown;
  responseCode?: unknown;
  message?: unknown;
}

const ADDRESS = /[^\s<>()[\]@,;:"]+@[^\s<>()[\]@,;:"]+/g;

/**
 * The short, address-free reason a delivery failed, for events and metrics: nodemailer's
 * error code and the SMTP reply code when there is one ("EENVELOPE 550"), else the error class.
 */
export function deliveryFailureReason(error: unknown): string {
  const e = (error ?? {}) as MailError;
  const code = typeof e.code === 'string' && /^[A-Z][A-Z0-9_]{1,31}$/.test(e.code) ? e.code : null;
  const name = typeof e.name === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(e.name) ? e.name : 'Error';
  const reply = typeof e.responseCode === 'number' ? ` ${e.responseCode}` : '';
  return `${code ?? name}${reply}`;
}

/** The error's message with every mail address replaced, shortened: safe for logs and the outbox row. */
export function redactedMessage(error: unknown, max = 300): string {
  const message = error instanceof Error ? error.message : String(error);
  const redacted = message.replace(ADDRESS, '<address>').replace(/\s+/g, ' ').trim();
  return redacted.length > max ? `${redacted.slice(0, max - 1)}…` : redacted;
}
