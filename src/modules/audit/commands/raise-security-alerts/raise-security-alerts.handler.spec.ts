import type { EntityManager } from '@mikro-orm/postgresql';
import type { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import type { DomainEvent } from '../../../../shared/domain-event';
import { planAlerts } from '../../domain/alert-grouping';
import { detect, emptyState, type Hit } from '../../domain/security-rules';
import type { SecurityAlertMail } from '../../infrastructure/security-alert-mail';
import type { SecurityAlertsRepository } from '../../infrastructure/security-alerts.repository';
import { RaiseSecurityAlertsCommand } from './raise-security-alerts.command';
import { RaiseSecurityAlertsHandler } from './raise-security-alerts.handler';
import type { InAppNotifications, Notice } from '../../../notifications';
import type { UserAccounts } from '../../../users';

const ORG = '00000000-0000-4000-8000-000000000001';
const USER = '00000000-0000-4000-8000-0000000000b2';
const THRESHOLDS = { accountFailures: 5, accountWindowSeconds: 900, ipFailures: 20, ipWindowSeconds: 900, deniedBurst: 10, deniedWindowSeconds: 300, knownAddressDays: 30 };

function twentyFailures() {
  const state = emptyState();
  return Array.from({ length: 20 }, (_, i) =>
    detect(
      {
        id: `00000000-0000-4000-9000-${String(i + 1).padStart(12, '0')}`,
        organizationId: ORG,
        seq: i + 1,
        type: 'auth.login_failed',
        actor: { type: 'user', id: null, ip: null, userAgent: null, requestId: null },
        subject: { type: 'user', id: USER },
        payload: { reason: 'bad_password' },
        occurredAt: new Date(Date.UTC(2026, 11, 2, 10, 0, i)).toISOString(),
        prevHash: '',
        hash: '',
      },
      state,
      THRESHOLDS,
    ),
  ).flat();
}

/** The handler over in-memory stand-ins of its repository, its mail and unit of work (the tables are the e2e's). */
function setUp() {
  const recorded: DomainEvent[] = [];
  const mailed: string[] = [];
  const inserted: { id: string; events: Hit[] }[] = [];
  const uow = { within: async (_tx: EntityManager, _scope: unknown, work: (context: { record(e: DomainEvent): void }) => Promise<unknown>) => ({ result: await work({ record: (e) => recorded.push(e) }), events: [] }) };
  const alerts = {
    insert: async (_tx: EntityManager, alert: { id: string; events: Hit[] }) => void inserted.push(alert),
    addEvents: async (_tx: EntityManager, _org: string, _id: string, events: Hit[]) => ({ added: events.length, total: 20 + events.length }),
  };
  const mail = { sendDue: async (_context: unknown, organizationId: string) => (mailed.push(organizationId), 2) };
  const wanted: string[] = [];
  const accounts = { administratorsWanting: async (_org: string, topic: string, _tx: unknown, channel: string) => (wanted.push(`${topic}/${channel}`), [{ id: 'admin-1', email: 'a@example.com' }]) };
  const noticed: Notice[] = [];
  const notices = { deliver: async (_context: unknown, _org: string, items: Notice[]) => void noticed.push(...items) };
  const clock = { now: () => new Date(Date.UTC(2026, 11, 2, 11)) };
  const sut = new RaiseSecurityAlertsHandler(
    uow as unknown as UnitOfWork,
    alerts as unknown as SecurityAlertsRepository,
    mail as unknown as SecurityAlertMail,
    accounts as unknown as UserAccounts,
    notices as unknown as InAppNotifications,
    clock,
  );
  return { sut, recorded, mailed, inserted, wanted, noticed };
}

describe(RaiseSecurityAlertsHandler.name, () => {
  it('raises twenty failures as one alert with twenty events, and has the organization\'s waiting alerts mailed if due', async () => {
    const { sut, recorded, mailed, inserted } = setUp();
    const plan = planAlerts(twentyFailures(), [], 86_400, () => 'alert-1');
    await sut.execute(new RaiseSecurityAlertsCommand({} as EntityManager, ORG, plan));
    expect(inserted).toHaveLength(1);
    expect(inserted[0].events).toHaveLength(20);
    expect(recorded.map((e) => e.type)).toEqual(['security.alert_raised']);
    expect(recorded[0]).toMatchObject({ subject: { type: 'security_alert', id: 'alert-1' }, payload: { rule: 'failed_sign_ins_account', severity: 'medium', eventCount: 20 } });
    expect(mailed).toEqual([ORG]);
  });

  it("puts each opened alert in the feed of every Administrator who wants security alerts in the app", async () => {
    const { sut, wanted, noticed } = setUp();
    const plan = planAlerts(twentyFailures(), [], 86_400, () => 'alert-1');
    await sut.execute(new RaiseSecurityAlertsCommand({} as EntityManager, ORG, plan));
    expect(wanted).toEqual(['securityAlerts/inApp']);
    expect(noticed).toEqual([
      { userId: 'admin-1', kind: 'security_alert', data: expect.objectContaining({ alertId: 'alert-1', severity: 'medium' }), subject: { type: 'security_alert', id: 'alert-1' } },
    ]);
  });

  it('mails nothing when a pass only adds events to an open alert', async () => {
    const { sut, recorded, mailed, noticed } = setUp();
    const plan = planAlerts(twentyFailures(), [{ id: 'open-1', rule: 'failed_sign_ins_account', keyValue: USER, lastSeenAt: '2026-12-02T09:59:00.000Z' }], 86_400, () => 'never');
    await sut.execute(new RaiseSecurityAlertsCommand({} as EntityManager, ORG, plan));
    expect(recorded.map((e) => e.type)).toEqual(['security.alert_events_added']);
    expect(mailed).toEqual([]);
    expect(noticed).toEqual([]);
  });
});
