import { Global, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { Clock } from '../../shared/clock';
import { AppConfig } from '../config/app-config';
import { FileMailer } from './file.mailer';
import { MAIL_QUEUE } from './mail.constants';
import { MailOutbox } from './mail-outbox';
import { MailRelay } from './mail-relay';
import { MailTemplates } from './mail-templates';
import { MailWorker } from './mail.worker';
import { Mailer } from './mailer';
import { SmtpMailer } from './smtp.mailer';
import { INVITATION_TEMPLATE, renderInvitation } from './templates/invitation.template';

/**
 * Durable mail: `MailOutbox` (written in the command's transaction) and `MailTemplates`
 * for every module; the relay, the mailer and the worker run where workers run. Without
 * SMTP_URL, mails are written to MAIL_DIR as `.eml` files (their links logged in development only).
 */
@Global()
@Module({})
export class MailModule implements OnModuleInit {
  constructor(private readonly templates: MailTemplates) {}

  static register(options: { workers: boolean }): DynamicModule {
    return {
      module: MailModule,
      imports: [BullModule.registerQueue({ name: MAIL_QUEUE })],
      providers: [
        MailTemplates,
        MailOutbox,
        MailRelay,
        ...(options.workers
          ? [
              {
                provide: Mailer,
                inject: [AppConfig, Clock],
                useFactory: (config: AppConfig, clock: Clock): Mailer => {
                  const { smtpUrl, mailFrom, mailDir, publicUrl, env } = config.values;
                  return smtpUrl
                    ? new SmtpMailer(smtpUrl, mailFrom, publicUrl)
                    : new FileMailer(mailDir, mailFrom, publicUrl, clock, env === 'development');
                },
              },
              MailWorker,
            ]
          : []),
      ],
      exports: [MailOutbox, MailTemplates],
    };
  }

  onModuleInit(): void {
    // issue 3 needs it first; later templates are registered by the modules that send them
    this.templates.register(INVITATION_TEMPLATE, renderInvitation);
  }
}
