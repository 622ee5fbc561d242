import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { EventCatchUp, type PositionedConsumer } from '../../../infrastructure/event-store/event-catch-up';
import type { StoredEvent } from '../../../infrastructure/event-store/event-hash';
import { IdGenerator } from '../../../shared/ids';
import { UserAccounts } from '../../users';
import { RaiseSecurityAlertsCommand } from '../commands/raise-security-alerts/raise-security-alerts.command';
import { planAlerts } from '../domain/alert-grouping';
import { detect, DETECTED_EVENT_TYPES, emptyState, sightingsOf, usersNeedingRole, type Detection, type DetectionThresholds } from '../domain/security-rules';
import { SecurityAlertsRepository } from '../infrastructure/security-alerts.repository';
import { SecurityDetectorState } from '../infrastructure/security-detector-state';

export const SECURITY_DETECTOR = 'security_detector';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The windows each event type may count in, so a pass loads only the state it can touch. */
function windowKeysOf(event: StoredEvent): { rule: string; key: string }[] {
  const keys: { rule: string; key: string }[] = [];
  if (event.type === 'auth.login_failed' || event.type === 'auth.mfa_failed') {
    if (event.subject.id) keys.push({ rule: 'failed_sign_ins_account', key: event.subject.id });
    if (event.actor.ip) keys.push({ rule: 'failed_sign_ins_ip', key: event.actor.ip });
  }
  if (event.type === 'access.denied') {
    const userId = typeof event.payload.userId === 'string' ? event.payload.userId : event.subject.id;
    if (userId) keys.push({ rule: 'denied_burst', key: userId });
  }
  return keys;
}

/**
 * Security detection over the event stream, from a position of its own (like the audit-log
 * projector): the rules (domain/security-rules.ts) judge each event with the state they
 * keep, detections fold into alerts (domain/alert-grouping.ts), and the alerts, their
 * events, their mails and the rules' state commit with the position. It reads only the
 * types the rules need, so its own security.alert_* events pass it by.
 */
@Injectable()
export class SecurityDetector implements PositionedConsumer, OnModuleInit {
  readonly name = SECURITY_DETECTOR;
  readonly types = DETECTED_EVENT_TYPES;

  constructor(
    private readonly catchUp: EventCatchUp,
    private readonly state: SecurityDetectorState,
    private readonly alerts: SecurityAlertsRepository,
    private readonly accounts: UserAccounts,
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
    private readonly ids: IdGenerator,
  ) {}

  onModuleInit(): void {
    this.catchUp.attach(this);
  }

  private get thresholds(): DetectionThresholds & { groupWindowSeconds: number } {
    return this.config.values.securityAlerts;
  }

  async apply(tx: EntityManager, events: StoredEvent[]): Promise<void> {
    const organizationId = events[0].organizationId;
    const thresholds = this.thresholds;
    const state = emptyState();
    const roleOf = [...new Set(events.map(usersNeedingRole).filter((id): id is string => id !== null))];
    for (const summary of await this.accounts.summariesOf(organizationId, roleOf)) state.roles.set(summary.id, summary.role);
    await this.state.loadWindows(tx, organizationId, events.flatMap(windowKeysOf), state);
    await this.state.loadAndRecordDevices(tx, organizationId, sightingsOf(events), state);

    const detections: Detection[] = [];
    const removedUsers: string[] = [];
    for (const event of events) {
      if (event.type === 'user.removed' && UUID.test(event.subject.id ?? '')) {
        // its devices, those of this batch's sign-ins included, go in the save
        removedUsers.push(event.subject.id!);
        continue;
      }
      detections.push(...detect(event, state, thresholds));
    }

    if (detections.length) {
      const keys = [...new Map(detections.map((d) => [`${d.rule}|${d.key.value}`, { rule: d.rule, keyValue: d.key.value }])).values()];
      const unresolved = await this.alerts.unresolved(tx, organizationId, keys);
      const plan = planAlerts(detections, unresolved, thresholds.groupWindowSeconds, () => this.ids.uuid());
      await this.commands.execute(new RaiseSecurityAlertsCommand(tx, organizationId, plan));
    }

    const lastAt = Date.parse(events[events.length - 1].occurredAt);
    const longestWindow = Math.max(thresholds.accountWindowSeconds, thresholds.ipWindowSeconds, thresholds.deniedWindowSeconds);
    await this.state.save(tx, organizationId, state, {
      removedUsers,
      prune: {
        at: lastAt,
        windowsBefore: new Date(lastAt - longestWindow * 1000).toISOString(),
        devicesBefore: new Date(lastAt - thresholds.knownAddressDays * 86_400_000).toISOString(),
      },
    });
  }
}
