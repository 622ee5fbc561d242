import type { AppConfig } from '../../../infrastructure/config/app-config';
import type { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import type { RateLimits } from '../../../infrastructure/security/rate-limits';
import { systemActor } from '../../../shared/actor';
import { Clock } from '../../../shared/clock';
import type { DomainEvent } from '../../../shared/domain-event';
import { AccessRestrictedError } from '../domain/access-restricted.error';
import { DEFAULT_POLICY, type PolicyDocument } from '../domain/policy-document';
import { AccessGate } from './access-gate';
import type { PolicyStore } from './policy-store';
import type { Ports } from '../infrastructure/ports';

const USER = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const TEAM = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

class FixedClock extends Clock {
  // Wednesday 2 December 2026, 10:00 in Berlin
  now(): Date {
    return new Date('2026-12-02T09:00:00Z');
  }
}

function setup(policy: Partial<PolicyDocument>, samples: (number | null)[] = []) {
  const recorded: DomainEvent[] = [];
  const uow = { run: async (_scope: unknown, work: (context: { record: (event: DomainEvent) => void }) => Promise<unknown>) => work({ record: (event) => recorded.push(event) }) } as unknown as UnitOfWork;
  const held = { cached: true };
  const document = { ...DEFAULT_POLICY, ...policy };
  const policies = { get: async () => ({ document, version: 1 }), cached: () => (held.cached ? { document, version: 1 } : null) } as unknown as PolicyStore;
  const limits = { sample: async () => (samples.length ? samples.shift()! : 1) } as unknown as RateLimits;
  const config = { values: { rateLimits: { refusalSampleSeconds: 60 } } } as AppConfig;
  // the teams module's answer, as the port hands it over
  const memberships = { teams: [] as string[] };
  const ports = { get: () => ({ teamsOf: async () => memberships.teams.map((teamId) => ({ teamId, lead: false })) }) } as unknown as Ports;
  const sut = new AccessGate(policies, ports, uow, limits, config, new FixedClock());
  return { sut, recorded, memberships, held };
}

const caller = (ip: string) => ({ organizationId: 'org-1', userId: USER, role: 'Developer', ip });

describe(AccessGate.name, () => {
  it('refuses a sign-in from outside the allow-list, recording the refusal and the caller’s own events', async () => {
    const { sut, recorded } = setup({ ipAllowlist: [{ cidr: '203.0.113.0/24' }] });
    const failed = (reason: string): DomainEvent => ({ type: 'auth.login_failed', organizationId: 'org-1', subject: { type: 'user', id: USER }, payload: { method: 'password', reason } });
    await expect(sut.admit(systemActor(), caller('198.51.100.1'), 'sign_in', { onRefusal: (reason) => [failed(reason)] })).rejects.toBeInstanceOf(AccessRestrictedError);
    expect(recorded.map((event) => [event.type, 'stage' in event.payload ? event.payload.stage : 'reason' in event.payload ? event.payload.reason : null])).toEqual([
      ['access.ip_refused', 'sign_in'],
      ['auth.login_failed', 'ip_restricted'],
    ]);
  });

  it('records refused requests only when the sample says so', async () => {
    const { sut, recorded } = setup({ ipAllowlist: [{ cidr: '203.0.113.0/24' }] }, [1, null, null]);
    for (let i = 0; i < 3; i++) await expect(sut.admit(systemActor(), caller('198.51.100.1'), 'request')).rejects.toMatchObject({ code: 'ACCESS.IP_RESTRICTED' });
    expect(recorded).toHaveLength(1);
    expect(recorded[0].payload).toMatchObject({ stage: 'request', sampled: { count: 1, windowSeconds: 60 } });
  });

  it('lets a break-glass user through and records the use as high severity', async () => {
    const { sut, recorded } = setup({ ipAllowlist: [{ cidr: '203.0.113.0/24' }], breakGlassUsers: [USER] });
    expect((await sut.admit(systemActor(), caller('198.51.100.1'), 'refresh')).allowed).toBe(true);
    expect(recorded).toEqual([expect.objectContaining({ type: 'access.break_glass_used', payload: expect.objectContaining({ stage: 'refresh', bypassed: ['ip_restricted'], severity: 'high' }) })]);
  });

  it('records nothing when nothing restricts', async () => {
    const { sut, recorded } = setup({});
    expect((await sut.admit(systemActor(), caller('198.51.100.1'), 'request')).allowed).toBe(true);
    expect(recorded).toEqual([]);
  });

  it('asks the teams port for team-scoped windows only, and honours what it answers', async () => {
    const { sut, memberships } = setup({ accessWindows: [{ teams: [TEAM], timezone: 'Europe/Berlin', days: [6], start: '09:00', end: '10:00' }] });
    // no teams module yet: nobody is in a team, so the team's window binds no one
    expect((await sut.decide(caller('203.0.113.1'))).decision.allowed).toBe(true);
    memberships.teams = [TEAM];
    expect((await sut.decide(caller('203.0.113.1'))).decision.reason).toBe('outside_access_window');
  });

  describe('admitRequest', () => {
    it('answers at once, building no actor, when the policy is held and lets the caller through', () => {
      const { sut, recorded } = setup({ ipAllowlist: [{ cidr: '203.0.113.0/24' }] });
      const actor = jest.fn(systemActor);
      const verdict = sut.admitRequest(caller('203.0.113.9'), actor);
      expect(verdict).not.toBeInstanceOf(Promise);
      expect(verdict).toMatchObject({ allowed: true });
      expect(actor).not.toHaveBeenCalled();
      expect(recorded).toEqual([]);
    });

    it('refuses and records (by sample) as admit does', async () => {
      const { sut, recorded } = setup({ ipAllowlist: [{ cidr: '203.0.113.0/24' }] });
      await expect(sut.admitRequest(caller('198.51.100.1'), systemActor)).rejects.toMatchObject({ code: 'ACCESS.IP_RESTRICTED' });
      expect(recorded).toEqual([expect.objectContaining({ type: 'access.ip_refused', payload: expect.objectContaining({ stage: 'request' }) })]);
    });

    it('records a break-glass pass, reads a policy it does not hold, and asks the teams port for team windows', async () => {
      const glass = setup({ ipAllowlist: [{ cidr: '203.0.113.0/24' }], breakGlassUsers: [USER] });
      expect(await glass.sut.admitRequest(caller('198.51.100.1'), systemActor)).toMatchObject({ allowed: true });
      expect(glass.recorded).toEqual([expect.objectContaining({ type: 'access.break_glass_used' })]);

      const unread = setup({ ipAllowlist: [{ cidr: '203.0.113.0/24' }] });
      unread.held.cached = false;
      const verdict = unread.sut.admitRequest(caller('203.0.113.9'), systemActor);
      expect(verdict).toBeInstanceOf(Promise);
      expect(await verdict).toMatchObject({ allowed: true });

      const teams = setup({ accessWindows: [{ teams: [TEAM], timezone: 'Europe/Berlin', days: [6], start: '09:00', end: '10:00' }] });
      teams.memberships.teams = [TEAM];
      await expect(teams.sut.admitRequest(caller('203.0.113.1'), systemActor)).rejects.toMatchObject({ code: 'ACCESS.OUTSIDE_ACCESS_WINDOW' });
    });
  });
});
