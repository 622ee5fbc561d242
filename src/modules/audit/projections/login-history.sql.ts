import type { EventType } from '../../../shared/event-catalogue';
import { nameSql } from './names.sql';
import { outcomeSql } from './event-outcome';

/** The events that are a sign-in or its failure: first factor, MFA step, refresh, API key use. */
export const LOGIN_EVENT_TYPES = [
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.mfa_verified',
  'auth.mfa_failed',
  'auth.token_refreshed',
  'security.refresh_token_reused',
  'auth.api_key_used',
] as const satisfies readonly EventType[];

/** The methods login history names: how the first factor was proved, or which later step it was. */
export const LOGIN_METHODS = ['password', 'password_mfa', 'invitation', 'sso', 'sso_mfa', 'mfa', 'refresh', 'api_key'] as const;

const types = LOGIN_EVENT_TYPES.map((type) => `'${type}'`).join(', ');

export const LOGIN_HISTORY_COLUMNS = `event_id, organization_id, seq, type, result, method, reason, user_id, user_name, ip, user_agent, request_id,
  session_id, api_key_id, connection_id, occurred_at`;
export const LOGIN_HISTORY_FROM_EVENTS = `select e.id, e.organization_id, e.seq, e.type, ${outcomeSql('e.type')},
  (case when e.type in ('auth.mfa_verified', 'auth.mfa_failed') then 'mfa'
        when e.type in ('auth.token_refreshed', 'security.refresh_token_reused') then 'refresh'
        when e.type = 'auth.api_key_used' then 'api_key'
        else coalesce(e.payload->>'method', 'password') end),
  (case when e.type = 'security.refresh_token_reused' then 'refresh_token_reused'
        when e.type = 'auth.mfa_failed' then coalesce(e.payload->>'reason', case when (e.payload->>'challengeEnded')::boolean then 'invalid_code_challenge_ended' else 'invalid_code' end)
        else e.payload->>'reason' end),
  e.subject->>'id', ${nameSql("'user'", "e.subject->>'id'")}, e.actor->>'ip', e.actor->>'userAgent', e.actor->>'requestId',
  e.payload->>'sessionId', coalesce(e.payload->>'apiKeyId', case when e.actor->>'type' = 'api_key' then e.actor->>'id' end), e.payload->>'connectionId',
  e.occurred_at from events e`;
/** Re-verification before a sensitive change also fails an MFA code; it is not a sign-in. */
export const LOGIN_HISTORY_WHERE = `e.type in (${types}) and (e.type <> 'auth.mfa_failed' or coalesce(e.payload->>'purpose', 'sign_in') = 'sign_in')`;
