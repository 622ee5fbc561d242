import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../infrastructure/config/app-config';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { SecretBox } from '../../../../infrastructure/security/secret-box';
import { Clock } from '../../../../shared/clock';
import { DomainError } from '../../../../shared/domain-error';
import { EventCatalogue } from '../../../../shared/event-catalogue';
import { IdGenerator } from '../../../../shared/ids';
import { newWebhookSecret } from '../../domain/standard-webhooks';
import { resolveTarget } from '../../infrastructure/webhook-target';
import { WebhooksRepository, type Webhook } from '../../infrastructure/webhooks.repository';
import { CreateWebhookCommand } from './create-webhook.command';

export const WEBHOOK_SECRET_CONTEXT = 'audit-webhook';

@CommandHandler(CreateWebhookCommand)
export class CreateWebhookHandler implements ICommandHandler<CreateWebhookCommand, { webhook: Webhook; secret: string }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly webhooks: WebhooksRepository,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly catalogue: EventCatalogue,
  ) {}

  async execute({ actor, organizationId, url, eventTypes }: CreateWebhookCommand): Promise<{ webhook: Webhook; secret: string }> {
    // a name or prefix that matches nothing in the catalogue would never deliver: a typo, refused
    const unknown = eventTypes.flatMap((pattern, index) =>
      this.catalogue.matching(pattern).length
        ? []
        : [{ field: `eventTypes[${index}]`, message: `${pattern} matches no event type of the catalogue (GET /api/v1/audit/event-types)` }],
    );
    if (unknown.length) throw new DomainError('AUDIT.UNKNOWN_EVENT_TYPE', 'invalid', unknown.map((e) => e.message).join('; '), unknown);
    // refused now with a 400 naming `url`; every delivery checks the address again
    await resolveTarget(url, this.config.values.webhooks.allowPrivateTargets);
    const secret = newWebhookSecret();
    const id = this.ids.uuid();
    const { result } = await this.uow.run({ actor, organizationId }, async (context) => {
      await this.webhooks.insert(context.em, {
        id,
        organizationId,
        url,
        eventTypes: [...new Set(eventTypes)],
        secretSealed: this.box.seal(secret, `${WEBHOOK_SECRET_CONTEXT}:${id}`),
        createdBy: actor.id,
        now: this.clock.now(),
      });
      context.record({ type: 'audit.webhook_created', organizationId, subject: { type: 'audit_webhook', id }, payload: { url, eventTypes } });
      return (await this.webhooks.find(context.em, organizationId, id))!;
    });
    return { webhook: result, secret };
  }
}
