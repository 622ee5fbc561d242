import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { MailOutbox } from '../../../../infrastructure/mail/mail-outbox';
import { systemActor } from '../../../../shared/actor';
import { Clock } from '../../../../shared/clock';
import { OrganizationDirectory } from '../../../organizations';
import { SsoAccounts } from '../../../users';
import { SamlConnection } from '../../domain/sso/saml-connection.entity';
import { certificateExpiry } from '../../domain/sso/saml-settings';
import { SSO_CERTIFICATE_EXPIRY_TEMPLATE } from '../../infrastructure/sso/certificate-expiry.template';
import { certificateFingerprint } from '../../infrastructure/sso/self-signed-certificate';
import { CheckSamlCertificatesCommand } from './check-saml-certificates.command';

export const CERTIFICATE_WARNING_DAYS = 30;

/**
 * For every connection with a certificate (the IdP's or ours) ending within 30 days: an
 * `sso.certificate_expiring` event and a mail to each active Administrator, once until the
 * settings change (a new certificate resets the warning).
 */
@CommandHandler(CheckSamlCertificatesCommand)
export class CheckSamlCertificatesHandler implements ICommandHandler<CheckSamlCertificatesCommand, number> {
  constructor(
    private readonly em: EntityManager,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly accounts: SsoAccounts,
    private readonly mails: MailOutbox,
    private readonly organizations: OrganizationDirectory,
  ) {}

  async execute(): Promise<number> {
    const now = this.clock.now();
    const horizon = now.getTime() + CERTIFICATE_WARNING_DAYS * 86_400_000;
    // platform-level sweep across organizations: each warning then runs scoped to its own
    const candidates = await this.em.fork().find(SamlConnection, { certificateWarnedAt: null }, { filters: false });
    let warned = 0;
    for (const candidate of candidates) {
      const certificates = [
        ...candidate.settings.idpCertificates.map((pem) => ({ pem, owner: 'idp' as const })),
        { pem: candidate.spCertificate, owner: 'sp' as const },
      ]
        .map(({ pem, owner }) => ({ fingerprint: `sha256:${certificateFingerprint(pem)}`, owner, expiresAt: certificateExpiry(pem) }))
        .filter((c) => c.expiresAt.getTime() <= horizon);
      if (!certificates.length) continue;
      const organization = await this.organizations.findById(candidate.organizationId);
      const soonest = certificates.map((c) => c.expiresAt).sort((a, b) => a.getTime() - b.getTime())[0].toISOString();
      await this.uow.run({ actor: systemActor(), organizationId: candidate.organizationId }, async (context) => {
        const connection = await context.em.findOne(SamlConnection, { id: candidate.id });
        if (!connection || connection.certificateWarnedAt) return;
        connection.warnCertificateExpiry(certificates.map((c) => ({ ...c, expiresAt: c.expiresAt.toISOString() })), now);
        for (const administrator of await this.accounts.administratorContacts(context)) {
          await this.mails.enqueue(context, {
            organizationId: candidate.organizationId,
            template: SSO_CERTIFICATE_EXPIRY_TEMPLATE,
            to: administrator.email,
            data: { organizationName: organization?.name ?? 'your organization', expiresAt: soonest },
            subject: { type: 'saml_connection', id: connection.id },
            events: { sent: 'sso.certificate_warning_sent', failed: 'sso.certificate_warning_failed' },
          });
        }
      });
      warned++;
    }
    return warned;
  }
}
