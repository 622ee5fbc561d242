import type { StoredEvent } from '../../../infrastructure/event-store/event-hash';
import { planAlerts } from './alert-grouping';
import { detect, emptyState, type DetectionThresholds } from './security-rules';

const THRESHOLDS: DetectionThresholds = { accountFailures: 5, accountWindowSeconds: 900, ipFailures: 20, ipWindowSeconds: 900, deniedBurst: 10, deniedWindowSeconds: 300, knownAddressDays: 30 };
const USER = '00000000-0000-4000-8000-0000000000b2';
const START = Date.UTC(2026, 11, 2, 10, 0, 0);
const DAY = 86_400;

const failure = (n: number, minute: number): StoredEvent => ({
  id: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
  organizationId: '00000000-0000-4000-8000-000000000001',
  seq: n,
  type: 'auth.login_failed',
  actor: { type: 'user', id: null, ip: null, userAgent: null, requestId: null },
  subject: { type: 'user', id: USER },
  payload: { method: 'password', reason: 'bad_password' },
  occurredAt: new Date(START + minute * 60_000).toISOString(),
  prevHash: '',
  hash: '',
});

let ids = 0;
const newId = () => `alert-${++ids}`;

describe(planAlerts.name, () => {
  it('folds twenty failures of one account into one alert with the twenty events', () => {
    const state = emptyState();
    const detections = Array.from({ length: 20 }, (_, i) => failure(i + 1, i * 0.1)).flatMap((e) => detect(e, state, THRESHOLDS));
    expect(detections.length).toBe(16);
    const plan = planAlerts(detections, [], DAY, newId);
    expect(plan.opened).toHaveLength(1);
    expect(plan.opened[0].events.map((hit) => hit.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(plan.added.size).toBe(0);
  });

  it('adds a later pass’s detections to the unresolved alert of the same rule and key', () => {
    const state = emptyState();
    const first = Array.from({ length: 5 }, (_, i) => failure(i + 1, i * 0.1)).flatMap((e) => detect(e, state, THRESHOLDS));
    const opened = planAlerts(first, [], DAY, newId).opened[0];
    const later = [failure(6, 1), failure(7, 1.1)].flatMap((e) => detect(e, state, THRESHOLDS));
    const plan = planAlerts(later, [{ id: opened.id, rule: 'failed_sign_ins_account', keyValue: USER, lastSeenAt: opened.events[4].at }], DAY, newId);
    expect(plan.opened).toEqual([]);
    expect(plan.added.get(opened.id)?.map((hit) => hit.seq)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('opens a new alert once the earlier one is resolved, or was last seen beyond the grouping window', () => {
    const state = emptyState();
    const detections = Array.from({ length: 5 }, (_, i) => failure(i + 100, 3000 + i * 0.1)).flatMap((e) => detect(e, state, THRESHOLDS));
    expect(planAlerts(detections, [], DAY, newId).opened).toHaveLength(1);
    const stale = { id: 'old', rule: 'failed_sign_ins_account', keyValue: USER, lastSeenAt: new Date(START).toISOString() };
    const plan = planAlerts(detections, [stale], DAY, newId);
    expect(plan.opened).toHaveLength(1);
    expect(plan.added.size).toBe(0);
  });
});
