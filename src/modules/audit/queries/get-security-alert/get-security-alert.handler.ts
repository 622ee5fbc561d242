import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../../../shared/domain-error';
import { SecurityAlertsRepository } from '../../infrastructure/security-alerts.repository';
import { GetSecurityAlertQuery, type SecurityAlertDetail } from './get-security-alert.query';

export const EVENTS_SHOWN = 200;

@QueryHandler(GetSecurityAlertQuery)
export class GetSecurityAlertHandler implements IQueryHandler<GetSecurityAlertQuery, SecurityAlertDetail> {
  constructor(
    private readonly em: EntityManager,
    private readonly alerts: SecurityAlertsRepository,
  ) {}

  async execute({ organizationId, alertId }: GetSecurityAlertQuery): Promise<SecurityAlertDetail> {
    const em = this.em.fork();
    const alert = await this.alerts.find(em, organizationId, alertId);
    if (!alert) throw new NotFoundError('Security alert');
    return { ...alert, events: await this.alerts.events(em, organizationId, alertId, EVENTS_SHOWN) };
  }
}
