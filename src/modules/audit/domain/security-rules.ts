import type { StoredEvent } from '../../../infrastructure/event-store/event-hash';

export type AlertSeverity = 'low' | 'medium' | 'high' | 'critical';
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['low', 'medium', 'high', 'critical'];

/** The detection rules, each with its severity and the sentence an administrator reads. */
export const SECURITY_RULES = {
  failed_sign_ins_account: { severity: 'medium', title: 'Repeated failed sign-ins for one account' },
  failed_sign_ins_ip: { severity: 'high', title: 'Repeated failed sign-ins from one address' },
  admin_new_sign_in: { severity: 'medium', title: 'An Administrator signed in from a new address or device' },
  admin_mfa_removed: { severity: 'high', title: 'Two-factor authentication removed from an Administrator' },
  administrator_granted: { severity: 'high', title: 'Someone was made Administrator or platform operator' },
  refresh_token_reused: { severity: 'high', title: 'A spent refresh token was presented again' },
  access_refused: { severity: 'medium', title: 'Access refused by the IP allow-list or an access window' },
  denied_burst: { severity: 'medium', title: 'A burst of denied actions by one user' },
  break_glass_used: { severity: 'high', title: 'A break-glass account was used' },
} as const satisfies Record<string, { severity: AlertSeverity; title: string }>;

export type SecurityRule = keyof typeof SECURITY_RULES;
export const SECURITY_RULE_NAMES = Object.keys(SECURITY_RULES) as SecurityRule[];

/** The event types the detector reads; everything else (its own alerts included) passes it by. */
export const DETECTED_EVENT_TYPES = [
  'auth.login_failed',
  'auth.mfa_failed',
  'auth.login_succeeded',
  'mfa.disabled',
  'mfa.reset',
  'user.created',
  'user.invited',
  'user.role_changed',
  'user.removed',
  'platform.operator_granted',
  'security.refresh_token_reused',
  'access.ip_refused',
  'access.outside_window',
  'access.denied',
  'access.break_glass_used',
] as const;

/** Where an operator tunes the detector (config `securityAlerts`, README). */
export interface DetectionThresholds {
  accountFailures: number;
  accountWindowSeconds: number;
  ipFailures: number;
  ipWindowSeconds: number;
  deniedBurst: number;
  deniedWindowSeconds: number;
  knownAddressDays: number;
}

/** An event as a window remembers it. */
export interface Hit {
  id: string;
  seq: number;
  at: string;
}

export type DeviceKind = 'ip' | 'user_agent';

/**
 * What the rules remember between events, loaded by the detector for the keys a batch
 * touches and written back with its position. Rules change it in place and mark `dirty`.
 */
export interface DetectionState {
  /** Recent hits per `rule|key`, oldest first, at most a threshold's worth. */
  windows: Map<string, Hit[]>;
  /** Which of `windows` changed. */
  dirty: Set<string>;
  /** The current role of the users the batch is about (asked of the users module); a sign-in's own role comes with its event. */
  roles: Map<string, string>;
  /** When each user last signed in from an address or device: `userId|kind|value` → RFC 3339. */
  devices: Map<string, string>;
  /** Users who completed a sign-in before (a first sign-in has nothing to compare with). */
  signedInBefore: Set<string>;
  /** Users made an organization's first Administrator as it was created (not an alert). */
  founding: Set<string>;
}

export function emptyState(): DetectionState {
  return { windows: new Map(), dirty: new Set(), roles: new Map(), devices: new Map(), signedInBefore: new Set(), founding: new Set() };
}

/** A rule fired: the alert to open, or to add to while one of the same rule and key is unresolved. */
export interface Detection {
  rule: SecurityRule;
  severity: AlertSeverity;
  key: { type: 'user' | 'ip'; value: string };
  /** The events behind it: for a window rule, every hit in the window. */
  events: Hit[];
  summary: string;
}

const ADMINISTRATOR = 'Administrator';
const FOUNDING_VIAS = new Set(['bootstrap', 'organization_created']);
// refusals after a correct password are policy, not guessing: the access rules read them
const NOT_GUESSES = new Set(['ip_restricted', 'outside_access_window', 'sso_only', 'mfa_required']);

const str = (value: unknown): string | null => (typeof value === 'string' && value.length ? value : null);
const hitOf = (event: StoredEvent): Hit => ({ id: event.id, seq: event.seq, at: event.occurredAt });
export const windowKey = (rule: SecurityRule, key: string): string => `${rule}|${key}`;
export const deviceKey = (userId: string, kind: DeviceKind, value: string): string => `${userId}|${kind}|${value}`;

function detection(rule: SecurityRule, key: Detection['key'], events: Hit[], summary: string): Detection {
  return { rule, severity: SECURITY_RULES[rule].severity, key, events, summary };
}

/**
 * Adds the event to the sliding window of `rule|key` (event time, so a replay judges the
 * same) and answers the window's hits once they reach the threshold, else null.
 */
function countInWindow(state: DetectionState, rule: SecurityRule, key: string, event: StoredEvent, windowSeconds: number, threshold: number): Hit[] | null {
  const name = windowKey(rule, key);
  const at = Date.parse(event.occurredAt);
  const hits = (state.windows.get(name) ?? []).filter((hit) => at - Date.parse(hit.at) < windowSeconds * 1000 && hit.id !== event.id);
  hits.push(hitOf(event));
  const kept = hits.slice(-threshold);
  state.windows.set(name, kept);
  state.dirty.add(name);
  return kept.length >= threshold ? kept : null;
}

function failedSignIn(event: StoredEvent, state: DetectionState, t: DetectionThresholds): Detection[] {
  if (event.type === 'auth.login_failed' && NOT_GUESSES.has(String(event.payload.reason))) return [];
  // a revoked or expired API key a service keeps presenting is an integration fault, not a guess
  if (event.payload.method === 'api_key') return [];
  if (event.type === 'auth.mfa_failed' && event.payload.purpose !== 'sign_in') return [];
  const found: Detection[] = [];
  const userId = event.subject.type === 'user' ? str(event.subject.id) : null;
  if (userId) {
    const hits = countInWindow(state, 'failed_sign_ins_account', userId, event, t.accountWindowSeconds, t.accountFailures);
    if (hits) found.push(detection('failed_sign_ins_account', { type: 'user', value: userId }, hits, `${hits.length} failed sign-ins for one account within ${t.accountWindowSeconds / 60} minutes`));
  }
  const ip = str(event.actor.ip);
  if (ip) {
    const hits = countInWindow(state, 'failed_sign_ins_ip', ip, event, t.ipWindowSeconds, t.ipFailures);
    if (hits) found.push(detection('failed_sign_ins_ip', { type: 'ip', value: ip }, hits, `${hits.length} failed sign-ins from ${ip} within ${t.ipWindowSeconds / 60} minutes`));
  }
  return found;
}

/** The address and device a sign-in was made from, as the detector remembers them. */
function devicesOf(event: StoredEvent): { kind: DeviceKind; value: string }[] {
  const seen: { kind: DeviceKind; value: string }[] = [];
  const ip = str(event.actor.ip);
  const userAgent = str(event.actor.userAgent);
  if (ip) seen.push({ kind: 'ip', value: ip });
  if (userAgent) seen.push({ kind: 'user_agent', value: userAgent.slice(0, 512) });
  return seen;
}

/** What a sign-in is judged with: the role it was made in (its event's, recorded since), else the user's current one. */
function signInRole(event: StoredEvent, state: DetectionState, userId: string): string | undefined {
  return str(event.payload.role) ?? state.roles.get(userId);
}

function signedIn(event: StoredEvent, state: DetectionState, t: DetectionThresholds): Detection[] {
  const userId = str(event.subject.id);
  if (!userId) return [];
  const at = Date.parse(event.occurredAt);
  const seen = devicesOf(event);
  const fresh = (kind: DeviceKind, value: string) => {
    const last = state.devices.get(deviceKey(userId, kind, value));
    return last !== undefined && at - Date.parse(last) < t.knownAddressDays * 86_400_000;
  };
  const unknown = seen.filter((device) => !fresh(device.kind, device.value));
  const found: Detection[] = [];
  if (signInRole(event, state, userId) === ADMINISTRATOR && state.signedInBefore.has(userId) && unknown.length) {
    const what = unknown.map((device) => (device.kind === 'ip' ? `address ${device.value}` : 'device')).join(' and a new ');
    found.push(detection('admin_new_sign_in', { type: 'user', value: userId }, [hitOf(event)], `An Administrator signed in from a new ${what}`));
  }
  for (const device of seen) state.devices.set(deviceKey(userId, device.kind, device.value), event.occurredAt);
  state.signedInBefore.add(userId);
  return found;
}

function mfaRemoved(event: StoredEvent, state: DetectionState): Detection[] {
  const userId = str(event.subject.id);
  if (!userId || state.roles.get(userId) !== ADMINISTRATOR) return [];
  // resetting an Administrator who had no second factor removes nothing
  if (event.type === 'mfa.reset' && event.payload.hadMfa === false) return [];
  const how = event.type === 'mfa.reset' ? 'was reset by an administrator' : 'was turned off';
  return [detection('admin_mfa_removed', { type: 'user', value: userId }, [hitOf(event)], `An Administrator's two-factor authentication ${how}`)];
}

function administratorGranted(event: StoredEvent, state: DetectionState): Detection[] {
  const userId = str(event.subject.id);
  if (!userId) return [];
  const made = (summary: string) => [detection('administrator_granted', { type: 'user', value: userId }, [hitOf(event)], summary)];
  switch (event.type) {
    case 'user.created':
      if (FOUNDING_VIAS.has(String(event.payload.via))) {
        state.founding.add(userId);
        return [];
      }
      // an account provisioned as Administrator (SSO's role mapping): invitations are judged by user.invited
      return event.payload.role === ADMINISTRATOR && event.payload.via !== 'invitation' ? made('An account was created as Administrator') : [];
    case 'user.invited':
      return event.payload.role === ADMINISTRATOR && !state.founding.has(userId) ? made('Someone was invited as Administrator') : [];
    case 'user.role_changed':
      return event.payload.to === ADMINISTRATOR && event.payload.from !== ADMINISTRATOR ? made(`A ${String(event.payload.from)} was made Administrator`) : [];
    case 'platform.operator_granted':
      return FOUNDING_VIAS.has(String(event.payload.via)) ? [] : made('Someone was granted platform operator');
    default:
      return [];
  }
}

/**
 * The detection rules over one event and the state they keep; no I/O and no clock (event
 * time decides windows), so a replay of the same stream raises the same alerts.
 */
export function detect(event: StoredEvent, state: DetectionState, thresholds: DetectionThresholds): Detection[] {
  const userId = str(event.subject.id);
  switch (event.type) {
    case 'auth.login_failed':
    case 'auth.mfa_failed':
      return failedSignIn(event, state, thresholds);
    case 'auth.login_succeeded':
      return signedIn(event, state, thresholds);
    case 'mfa.disabled':
    case 'mfa.reset':
      return mfaRemoved(event, state);
    case 'user.created':
    case 'user.invited':
    case 'user.role_changed':
    case 'platform.operator_granted':
      return administratorGranted(event, state);
    case 'security.refresh_token_reused':
      return userId ? [detection('refresh_token_reused', { type: 'user', value: userId }, [hitOf(event)], 'A spent refresh token was presented again; the session was ended')] : [];
    case 'access.ip_refused':
    case 'access.outside_window': {
      if (!userId) return [];
      const why = event.type === 'access.ip_refused' ? `from an address the allow-list refuses${str(event.payload.ip) ? ` (${String(event.payload.ip)})` : ''}` : 'outside the access windows';
      return [detection('access_refused', { type: 'user', value: userId }, [hitOf(event)], `A ${(str(event.payload.stage) ?? 'request').replace('_', '-')} was refused ${why}`)];
    }
    case 'access.denied': {
      const denied = str(event.payload.userId) ?? userId;
      if (!denied) return [];
      const hits = countInWindow(state, 'denied_burst', denied, event, thresholds.deniedWindowSeconds, thresholds.deniedBurst);
      return hits ? [detection('denied_burst', { type: 'user', value: denied }, hits, `${hits.length} denied actions within ${Math.round(thresholds.deniedWindowSeconds / 60)} minutes`)] : [];
    }
    case 'access.break_glass_used':
      return userId ? [detection('break_glass_used', { type: 'user', value: userId }, [hitOf(event)], `A break-glass account bypassed ${Array.isArray(event.payload.bypassed) ? event.payload.bypassed.join(', ') : 'a policy'}`)] : [];
    default:
      return [];
  }
}

/** The users whose current role the rules need for this event (the detector asks before detecting): not a sign-in's whose event names its role. */
export function usersNeedingRole(event: StoredEvent): string | null {
  if (event.type === 'auth.login_succeeded') return str(event.payload.role) ? null : str(event.subject.id);
  return event.type === 'mfa.disabled' || event.type === 'mfa.reset' ? str(event.subject.id) : null;
}

/** One address or device a user signed in from, with when; `signed_in` (no value) marks that the user signed in at all. */
export interface Sighting {
  userId: string;
  kind: DeviceKind | 'signed_in';
  value: string;
  at: string;
}

/**
 * What the batch's sign-ins make known, for the rules' next passes: each one's address and
 * device, and a `signed_in` mark for a user seen from any. `signedIn` judges each sign-in
 * against the devices before it, so these can be written before the batch is judged.
 */
export function sightingsOf(events: readonly StoredEvent[]): Sighting[] {
  const sightings: Sighting[] = [];
  for (const event of events) {
    const userId = str(event.subject.id);
    if (event.type !== 'auth.login_succeeded' || !userId) continue;
    const seen = devicesOf(event);
    for (const device of seen) sightings.push({ userId, kind: device.kind, value: device.value, at: event.occurredAt });
    if (seen.length) sightings.push({ userId, kind: 'signed_in', value: '', at: event.occurredAt });
  }
  return sightings;
}
