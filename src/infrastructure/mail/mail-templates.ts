import { Injectable } from '@nestjs/common';

/** A rendered mail: its subject line and both bodies. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Template variables as stored in the outbox (JSON). */
export type MailData = Record<string, unknown>;

/**
 * Renders a mail from its data. It must escape every value it puts into the HTML body
 * (`escapeHtml`), and throw when the data is incomplete: `MailOutbox.enqueue` renders once
 * to refuse bad data inside the command, before anything is stored.
 */
export type MailRenderer = (data: MailData) => RenderedMail;

export class UnknownMailTemplateError extends Error {
  override readonly name = 'UnknownMailTemplateError';

  constructor(name: string) {
    super(`no mail template is registered as "${name}"`);
  }
}

/**
 * The mail templates known to this process, by name. Infrastructure knows no module: each
 * module registers the templates of the mails it sends.
 */
@Injectable()
export class MailTemplates {
  private readonly renderers = new Map<string, MailRenderer>();

  register(name: string, render: MailRenderer): void {
    if (this.renderers.has(name)) throw new Error(`a mail template is already registered as "${name}"`);
    this.renderers.set(name, render);
  }

  has(name: string): boolean {
    return this.renderers.has(name);
  }

  render(name: string, data: MailData): RenderedMail {
    const render = this.renderers.get(name);
    if (!render) throw new UnknownMailTemplateError(name);
    const rendered = render(data);
    // a header never spans lines, whatever a value held
    return { ...rendered, subject: rendered.subject.replace(/[\r\n]+/g, ' ').trim() };
  }
}
