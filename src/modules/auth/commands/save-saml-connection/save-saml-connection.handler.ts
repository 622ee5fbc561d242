import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { DomainError, NotFoundError } from '../../../../shared/domain-error';
import { IdGenerator } from '../../../../shared/ids';
import { OrganizationDirectory } from '../../../organizations';
import { SsoTeamMemberships } from '../../../teams';
import { SamlConnection } from '../../domain/sso/saml-connection.entity';
import { parseSamlSettings } from '../../domain/sso/saml-settings';
import { toSamlConnectionView, type SamlConnectionView } from '../../http/saml-connection.response';
import { SamlConnections } from '../../infrastructure/sso/saml-connections';
import { selfSignedCertificate } from '../../infrastructure/sso/self-signed-certificate';
import { SaveSamlConnectionCommand } from './save-saml-connection.command';

/** Our SP certificate's validity; rotation is a new connection key (not yet an endpoint). */
const SP_CERTIFICATE_DAYS = 3650;

/**
 * Creates or replaces the organization's SAML connection. The first save makes our SP key
 * pair (sealed at rest); every change is an event with the settings before and after.
 */
@CommandHandler(SaveSamlConnectionCommand)
export class SaveSamlConnectionHandler implements ICommandHandler<SaveSamlConnectionCommand, SamlConnectionView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly connections: SamlConnections,
    private readonly organizations: OrganizationDirectory,
    private readonly teams: SsoTeamMemberships,
  ) {}

  async execute(command: SaveSamlConnectionCommand): Promise<SamlConnectionView> {
    const { enabled, settings } = parseSamlSettings(command.body);
    const organization = await this.organizations.findById(command.organizationId);
    if (!organization) throw new NotFoundError('Organization');
    // a mapping names only the organization's own active teams (another's reads as unknown)
    const unknown = new Set(await this.teams.unknownTeams(command.organizationId, settings.teamMapping.map((m) => m.teamId)));
    const errors = settings.teamMapping.flatMap((m, i) => (unknown.has(m.teamId) ? [{ field: `teamMapping[${i}].teamId`, message: 'names no active team of this organization' }] : []));
    if (errors.length) throw new DomainError('SSO.INVALID_SETTINGS', 'invalid', 'The SSO settings are not valid', errors);
    const redact = this.connections.redact.bind(this.connections);
    const { result } = await this.uow.run({ actor: command.actor, organizationId: command.organizationId }, async ({ em }) => {
      const existing = await em.findOne(SamlConnection, { organizationId: command.organizationId });
      const current = existing?.version ?? 0;
      if (command.expectedVersion !== undefined && command.expectedVersion !== current) {
        throw new DomainError('SSO.STALE', 'precondition_failed', `The SSO settings changed since version ${command.expectedVersion}; read them again`);
      }
      const now = this.clock.now();
      if (existing) {
        existing.replace(enabled, settings, now, redact);
        return existing;
      }
      const id = this.ids.uuid();
      const keys = selfSignedCertificate(`Gatehouse SP ${organization.slug}`, now, SP_CERTIFICATE_DAYS);
      const created = SamlConnection.create({
        id,
        organizationId: command.organizationId,
        enabled,
        settings,
        spCertificate: keys.certificatePem,
        sealedSpPrivateKey: this.connections.sealKey(id, keys.privateKeyPem),
        now,
        redact,
      });
      em.persist(created);
      return created;
    });
    return toSamlConnectionView(result, this.connections.endpoints(organization.slug), redact);
  }
}
