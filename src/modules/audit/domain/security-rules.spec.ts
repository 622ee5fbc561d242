import type { StoredEvent } from '../../../infrastructure/event-store/event-hash';
import { SECURITY_ALERT_EVENTS } from './security-alert-events';
import { DETECTED_EVENT_TYPES, deviceKey, detect, emptyState, sightingsOf, usersNeedingRole, type DetectionState, type DetectionThresholds } from './security-rules';

const THRESHOLDS: DetectionThresholds = {
  accountFailures: 5,
  accountWindowSeconds: 900,
  ipFailures: 20,
  ipWindowSeconds: 900,
  deniedBurst: 10,
  deniedWindowSeconds: 300,
  knownAddressDays: 30,
};

const ADMIN = '00000000-0000-4000-8000-0000000000a1';
const VIEWER = '00000000-0000-4000-8000-0000000000b2';
const START = Date.UTC(2026, 11, 2, 10, 0, 0);
let seq = 0;

/** An event as the store hands it over, `minute` minutes after 10:00 UTC. */
function event(
  type: string,
  options: { subject?: string | null; ip?: string | null; userAgent?: string | null; payload?: Record<string, unknown>; minute?: number } = {},
): StoredEvent {
  seq++;
  return {
    id: `00000000-0000-4000-9000-${String(seq).padStart(12, '0')}`,
    organizationId: '00000000-0000-4000-8000-000000000001',
    seq,
    type,
    actor: { type: 'user', id: null, ip: options.ip === undefined ? '203.0.113.7' : options.ip, userAgent: options.userAgent === undefined ? 'Firefox/140' : options.userAgent, requestId: null },
    subject: { type: 'user', id: options.subject === undefined ? ADMIN : options.subject },
    payload: options.payload ?? {},
    occurredAt: new Date(START + (options.minute ?? 0) * 60_000).toISOString(),
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  };
}

/** Runs the rules over a stream as the detector does and answers every detection. */
function run(events: StoredEvent[], state: DetectionState = emptyState()) {
  return events.flatMap((e) => detect(e, state, THRESHOLDS));
}

const failures = (count: number, options: Parameters<typeof event>[1] & { every?: number } = {}) =>
  Array.from({ length: count }, (_, i) => event('auth.login_failed', { ...options, minute: (options.minute ?? 0) + i * (options.every ?? 0.1), payload: { method: 'password', reason: 'bad_password' } }));

describe('security detection rules', () => {
  describe('failed sign-ins for one account', () => {
    it('fires on the fifth failure within 15 minutes, with the five events behind it', () => {
      const stream = failures(5, { subject: VIEWER, ip: null });
      const found = run(stream);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ rule: 'failed_sign_ins_account', severity: 'medium', key: { type: 'user', value: VIEWER } });
      expect(found[0].events.map((hit) => hit.id)).toEqual(stream.map((e) => e.id));
    });

    it('stays quiet on three failures and then a success', () => {
      const state = emptyState();
      expect(run([...failures(3, { subject: VIEWER }), event('auth.login_succeeded', { subject: VIEWER, minute: 1 })], state)).toEqual([]);
    });

    it('stays quiet when five failures are spread over more than the window', () => {
      expect(run(failures(5, { subject: VIEWER, ip: null, every: 4 }))).toEqual([]);
    });

    it('does not count refusals after a correct password (allow-list, access window, SSO-only)', () => {
      const refusals = ['ip_restricted', 'outside_access_window', 'sso_only', 'ip_restricted', 'sso_only'].map((reason, i) =>
        event('auth.login_failed', { subject: VIEWER, minute: i * 0.1, payload: { method: 'password', reason } }),
      );
      expect(run(refusals)).toEqual([]);
    });

    it('does not count a revoked API key that a service keeps presenting', () => {
      const keys = Array.from({ length: 5 }, () => event('auth.login_failed', { subject: VIEWER, ip: null, payload: { method: 'api_key', reason: 'key_revoked' } }));
      expect(run(keys)).toEqual([]);
    });

    it('counts wrong codes at the sign-in’s second step, not at re-verification', () => {
      const codes = (purpose: string) => Array.from({ length: 5 }, () => event('auth.mfa_failed', { subject: VIEWER, ip: null, payload: { purpose } }));
      expect(run(codes('reverify'))).toEqual([]);
      expect(run(codes('sign_in')).map((d) => d.rule)).toEqual(['failed_sign_ins_account']);
    });
  });

  describe('failed sign-ins from one address', () => {
    it('fires on the twentieth failure from one address across accounts, unknown ones included', () => {
      const stream = Array.from({ length: 20 }, (_, i) =>
        event('auth.login_failed', { subject: i % 2 ? null : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, ip: '198.51.100.9', payload: { reason: 'unknown_user' } }),
      );
      const found = run(stream);
      expect(found.map((d) => d.rule)).toEqual(['failed_sign_ins_ip']);
      expect(found[0]).toMatchObject({ severity: 'high', key: { type: 'ip', value: '198.51.100.9' } });
      expect(found[0].events).toHaveLength(20);
    });

    it('stays quiet on nineteen', () => {
      expect(run(Array.from({ length: 19 }, () => event('auth.login_failed', { subject: null, ip: '198.51.100.9', payload: { reason: 'unknown_user' } })))).toEqual([]);
    });
  });

  describe('an Administrator signing in from a new address or device', () => {
    const known = (state: DetectionState, userId: string, minute = 0) => {
      const at = new Date(START + minute * 60_000).toISOString();
      state.devices.set(deviceKey(userId, 'ip', '203.0.113.7'), at);
      state.devices.set(deviceKey(userId, 'user_agent', 'Firefox/140'), at);
      state.signedInBefore.add(userId);
    };

    it('fires on a sign-in from an address not seen for that Administrator', () => {
      const state = emptyState();
      state.roles.set(ADMIN, 'Administrator');
      known(state, ADMIN);
      const found = run([event('auth.login_succeeded', { ip: '192.0.2.55', minute: 60 })], state);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ rule: 'admin_new_sign_in', key: { type: 'user', value: ADMIN } });
      expect(found[0].summary).toContain('192.0.2.55');
    });

    it('fires on a new device from a known address', () => {
      const state = emptyState();
      state.roles.set(ADMIN, 'Administrator');
      known(state, ADMIN);
      expect(run([event('auth.login_succeeded', { userAgent: 'curl/8.5', minute: 60 })], state).map((d) => d.rule)).toEqual(['admin_new_sign_in']);
    });

    it('fires when the address was last seen longer ago than the known-address days', () => {
      const state = emptyState();
      state.roles.set(ADMIN, 'Administrator');
      known(state, ADMIN, -31 * 24 * 60);
      expect(run([event('auth.login_succeeded')], state).map((d) => d.rule)).toEqual(['admin_new_sign_in']);
    });

    it('stays quiet on a known address and device, and remembers the new ones it saw', () => {
      const state = emptyState();
      state.roles.set(ADMIN, 'Administrator');
      known(state, ADMIN);
      expect(run([event('auth.login_succeeded', { minute: 60 })], state)).toEqual([]);
      run([event('auth.login_succeeded', { ip: '192.0.2.55', minute: 61 })], state);
      expect(run([event('auth.login_succeeded', { ip: '192.0.2.55', minute: 62 })], state)).toEqual([]);
      expect(state.devices.get(deviceKey(ADMIN, 'ip', '192.0.2.55'))).toBe(new Date(START + 62 * 60_000).toISOString());
    });

    it('judges a sign-in by the role its event names, not the role the user has now', () => {
      const state = emptyState();
      state.roles.set(VIEWER, 'Administrator');
      known(state, ADMIN);
      known(state, VIEWER);
      const signIns = [
        event('auth.login_succeeded', { ip: '192.0.2.55', payload: { role: 'Administrator' } }),
        event('auth.login_succeeded', { subject: VIEWER, ip: '192.0.2.55', payload: { role: 'Viewer' } }),
      ];
      expect(signIns.map(usersNeedingRole)).toEqual([null, null]);
      expect(run(signIns, state).map((d) => [d.rule, d.key.value])).toEqual([['admin_new_sign_in', ADMIN]]);
    });

    it('asks for the current role of a sign-in recorded without one', () => {
      expect(usersNeedingRole(event('auth.login_succeeded'))).toBe(ADMIN);
    });

    it('answers what the sign-ins make known: each address and device, and that the user signed in at all', () => {
      const sightings = sightingsOf([
        event('auth.login_succeeded', { minute: 1 }),
        event('auth.login_failed', { ip: '198.51.100.9', minute: 2 }),
        event('auth.login_succeeded', { subject: VIEWER, ip: null, userAgent: null, minute: 3 }),
        event('auth.login_succeeded', { ip: '192.0.2.55', userAgent: null, minute: 4 }),
      ]);
      const at = (minute: number) => new Date(START + minute * 60_000).toISOString();
      expect(sightings).toEqual([
        { userId: ADMIN, kind: 'ip', value: '203.0.113.7', at: at(1) },
        { userId: ADMIN, kind: 'user_agent', value: 'Firefox/140', at: at(1) },
        { userId: ADMIN, kind: 'signed_in', value: '', at: at(1) },
        { userId: ADMIN, kind: 'ip', value: '192.0.2.55', at: at(4) },
        { userId: ADMIN, kind: 'signed_in', value: '', at: at(4) },
      ]);
    });

    it('stays quiet on an Administrator’s first sign-in, and on anyone else’s new address', () => {
      const state = emptyState();
      state.roles.set(ADMIN, 'Administrator');
      state.roles.set(VIEWER, 'Viewer');
      known(state, VIEWER);
      expect(run([event('auth.login_succeeded'), event('auth.login_succeeded', { subject: VIEWER, ip: '192.0.2.55' })], state)).toEqual([]);
    });
  });

  describe('MFA removed from an Administrator', () => {
    it('fires when an Administrator turns MFA off or has it reset', () => {
      const state = emptyState();
      state.roles.set(ADMIN, 'Administrator');
      const found = run([event('mfa.disabled', { payload: { confirmedWith: 'totp' } }), event('mfa.reset', { payload: { hadMfa: true } })], state);
      expect(found.map((d) => [d.rule, d.severity])).toEqual([
        ['admin_mfa_removed', 'high'],
        ['admin_mfa_removed', 'high'],
      ]);
    });

    it('stays quiet for a Viewer, and for a reset of an Administrator who had no factor', () => {
      const state = emptyState();
      state.roles.set(ADMIN, 'Administrator');
      state.roles.set(VIEWER, 'Viewer');
      expect(run([event('mfa.disabled', { subject: VIEWER }), event('mfa.reset', { payload: { hadMfa: false } })], state)).toEqual([]);
    });
  });

  describe('someone made Administrator', () => {
    it('fires on a role change to Administrator, an Administrator invitation, an SSO account made Administrator and an operator grant', () => {
      const found = run([
        event('user.role_changed', { subject: VIEWER, payload: { from: 'Manager', to: 'Administrator' } }),
        event('user.invited', { subject: VIEWER, payload: { role: 'Administrator', invitedBy: ADMIN } }),
        event('user.created', { subject: VIEWER, payload: { role: 'Administrator', status: 'active', via: 'sso' } }),
        event('platform.operator_granted', { subject: ADMIN, payload: { grantedBy: ADMIN, via: 'grant' } }),
      ]);
      expect(found.map((d) => d.rule)).toEqual(['administrator_granted', 'administrator_granted', 'administrator_granted', 'administrator_granted']);
      expect(found[0].summary).toBe('A Manager was made Administrator');
    });

    it('stays quiet on a Viewer made Manager, a Developer invited, and an organization’s founding Administrator', () => {
      expect(
        run([
          event('user.role_changed', { subject: VIEWER, payload: { from: 'Viewer', to: 'Manager' } }),
          event('user.invited', { subject: VIEWER, payload: { role: 'Developer' } }),
          event('user.created', { subject: ADMIN, payload: { role: 'Administrator', status: 'invited', via: 'organization_created' } }),
          event('user.invited', { subject: ADMIN, payload: { role: 'Administrator', invitedBy: null } }),
          event('platform.operator_granted', { subject: ADMIN, payload: { grantedBy: null, via: 'bootstrap' } }),
          event('user.created', { subject: VIEWER, payload: { role: 'Administrator', status: 'invited', via: 'invitation' } }),
        ]),
      ).toEqual([]);
    });
  });

  it('fires on refresh-token reuse, with high severity', () => {
    expect(run([event('security.refresh_token_reused', { payload: { sessionId: 'x', severity: 'high' } })]).map((d) => [d.rule, d.severity])).toEqual([['refresh_token_reused', 'high']]);
  });

  it('fires on a refused address and on an attempt outside an access window', () => {
    const found = run([
      event('access.ip_refused', { subject: VIEWER, payload: { stage: 'sign_in', ip: '192.0.2.1' } }),
      event('access.outside_window', { subject: VIEWER, payload: { stage: 'request' } }),
    ]);
    expect(found.map((d) => d.rule)).toEqual(['access_refused', 'access_refused']);
    expect(found[0].summary).toBe('A sign-in was refused from an address the allow-list refuses (192.0.2.1)');
  });

  describe('a burst of denied actions', () => {
    const denied = (count: number, every: number) =>
      Array.from({ length: count }, (_, i) => event('access.denied', { subject: VIEWER, minute: i * every, payload: { userId: VIEWER, route: '/api/v1/users/:id/role', required: ['roles:assign'] } }));

    it('fires on the tenth denial by one user within 5 minutes', () => {
      const found = run(denied(10, 0.2));
      expect(found.map((d) => d.rule)).toEqual(['denied_burst']);
      expect(found[0].events).toHaveLength(10);
    });

    it('stays quiet on nine, and on ten spread over ten minutes', () => {
      expect(run(denied(9, 0.1))).toEqual([]);
      expect(run(denied(10, 1))).toEqual([]);
    });
  });

  it('fires on break-glass use', () => {
    expect(run([event('access.break_glass_used', { payload: { stage: 'sign_in', bypassed: ['ip_allowlist'], severity: 'high' } })]).map((d) => [d.rule, d.severity])).toEqual([['break_glass_used', 'high']]);
  });

  it('reads none of the events it records itself, so an alert never feeds the detector', () => {
    const own: readonly string[] = Object.values(SECURITY_ALERT_EVENTS);
    expect(DETECTED_EVENT_TYPES.filter((type) => own.includes(type) || type.startsWith('security.alert'))).toEqual([]);
    expect(run(Object.values(SECURITY_ALERT_EVENTS).map((type) => event(type, { payload: { rule: 'failed_sign_ins_account' } })))).toEqual([]);
  });

  it('stays quiet on a day of normal traffic', () => {
    const state = emptyState();
    state.roles.set(ADMIN, 'Administrator');
    state.roles.set(VIEWER, 'Viewer');
    const stream = [
      event('auth.login_succeeded', { minute: 0 }),
      ...failures(2, { subject: VIEWER, minute: 1 }),
      event('auth.login_succeeded', { subject: VIEWER, minute: 2 }),
      event('user.role_changed', { subject: VIEWER, minute: 3, payload: { from: 'Viewer', to: 'Developer' } }),
      ...Array.from({ length: 3 }, (_, i) => event('access.denied', { subject: VIEWER, minute: 4 + i, payload: { userId: VIEWER } })),
      event('mfa.disabled', { subject: VIEWER, minute: 10 }),
      event('auth.login_succeeded', { minute: 600 }),
      ...failures(4, { subject: ADMIN, minute: 700 }),
      event('auth.login_succeeded', { minute: 701 }),
      event('user.invited', { subject: null, minute: 702, payload: { role: 'Viewer' } }),
    ];
    expect(run(stream, state)).toEqual([]);
  });
});
