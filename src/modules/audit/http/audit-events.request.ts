import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsIP, IsOptional, IsString, IsUUID, isIn, isIP, isUUID, Matches, matches, MaxDate, MaxLength, maxLength, MinDate } from 'class-validator';
import { EVENT_OUTCOMES, type EventOutcome } from '../projections/event-outcome';
import { LOGIN_METHODS } from '../projections/login-history.sql';
import { PERMISSION_CHANGE_KINDS_LIST } from '../projections/permission-changes.sql';
import { PageRequest } from '../../../shared/page-request';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../shared/pagination';
import { QUICK_CHECK } from '../../../shared/request-validation';

// what PostgreSQL's timestamptz holds comfortably, with room for the queries' skew bounds
const EARLIEST = new Date('0001-01-01T00:00:00.000Z');
const LATEST = new Date('9999-12-31T00:00:00.000Z');

const EVENT_TYPE = /^[a-z_]+(\.[a-z_]+)*(\.\*)?$/;
const RESULTS = ['success', 'failure'];

type Rule = (value: string) => unknown;

/**
 * A query string's quick check (QUICK_CHECK): the values as the decorators below transform and
 * judge them (a date as `new Date(value)` within the years 1 to 9999, the limit as `Number(value)`,
 * an integer from 1 to 200, 50 when absent), with no property but those `rules` names; each
 * value a single string. Undefined for anything else, which the full validation then refuses.
 */
function quickQuery<T>(rules: Record<string, Rule>): (value: unknown) => T | undefined {
  return (value) => {
    if (typeof value !== 'object' || value === null) return undefined;
    const accepted: Record<string, unknown> = { limit: DEFAULT_PAGE_SIZE };
    for (const [key, raw] of Object.entries(value)) {
      if (raw === undefined) continue;
      const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
      if (!rule || typeof raw !== 'string') return undefined;
      const parsed = rule(raw);
      if (parsed === undefined) return undefined;
      accepted[key] = parsed;
    }
    return accepted as T;
  };
}

const date: Rule = (value) => {
  const at = new Date(value);
  const time = at.getTime();
  return Number.isNaN(time) || time < EARLIEST.getTime() || time > LATEST.getTime() ? undefined : at;
};
const text =
  (max: number): Rule =>
  (value) =>
    maxLength(value, max) ? value : undefined;
const uuid: Rule = (value) => (isUUID(value, 'all') ? value : undefined);
const oneOf =
  (values: readonly string[]): Rule =>
  (value) =>
    isIn(value, values) ? value : undefined;
const address: Rule = (value) => (isIP(value) ? value : undefined);
const PAGE_RULES: Record<string, Rule> = {
  from: date,
  to: date,
  cursor: text(200),
  limit: (value) => {
    const limit = Number(value);
    return Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE ? limit : undefined;
  },
};

export class TimeRangeRequest {
  @ApiPropertyOptional({ format: 'date-time', description: 'inclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an RFC 3339 date-time' })
  @MinDate(EARLIEST, { message: 'from must be in the years 1 to 9999' })
  @MaxDate(LATEST, { message: 'from must be in the years 1 to 9999' })
  from?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'exclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an RFC 3339 date-time' })
  @MinDate(EARLIEST, { message: 'to must be in the years 1 to 9999' })
  @MaxDate(LATEST, { message: 'to must be in the years 1 to 9999' })
  to?: Date;
}

export class ListAuditEventsRequest extends IntersectionType(TimeRangeRequest, PageRequest) {
  static readonly [QUICK_CHECK] = quickQuery<ListAuditEventsRequest>({
    ...PAGE_RULES,
    type: (value) => (matches(value, EVENT_TYPE) ? value : undefined),
    actor: text(100),
    subject: text(100),
    team: uuid,
    outcome: oneOf(EVENT_OUTCOMES),
    ip: address,
  });

  @ApiPropertyOptional({ example: 'auth.login_failed', description: 'an event type, or a prefix such as `auth.*`' })
  @IsOptional()
  @Matches(EVENT_TYPE, { message: 'type must be an event type such as auth.login_failed or auth.*' })
  type?: string;

  @ApiPropertyOptional({ description: 'the acting user’s or API key’s id' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor?: string;

  @ApiPropertyOptional({ description: 'the subject’s id (a user, an invitation, …)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  subject?: string;

  @ApiPropertyOptional({ description: 'a team’s id: events about the team, or by or about its current members' })
  @IsOptional()
  @IsUUID('all', { message: 'team must be a team id (UUID)' })
  team?: string;

  @ApiPropertyOptional({ enum: EVENT_OUTCOMES, description: 'what the event records: a change that took place, a failure, or a refusal' })
  @IsOptional()
  @IsIn(EVENT_OUTCOMES, { message: `outcome must be one of ${EVENT_OUTCOMES.join(', ')}` })
  outcome?: EventOutcome;

  @ApiPropertyOptional({ example: '203.0.113.7', description: 'the address the request came from' })
  @IsOptional()
  @IsIP(undefined, { message: 'ip must be an IPv4 or IPv6 address' })
  ip?: string;
}

export class ListLoginsRequest extends IntersectionType(TimeRangeRequest, PageRequest) {
  static readonly [QUICK_CHECK] = quickQuery<ListLoginsRequest>({
    ...PAGE_RULES,
    userId: uuid,
    result: oneOf(RESULTS),
    method: oneOf(LOGIN_METHODS),
    ip: address,
  });

  @ApiPropertyOptional({ format: 'uuid', description: 'the user who signed in (or whose account was tried)' })
  @IsOptional()
  @IsUUID('all', { message: 'userId must be a user id (UUID)' })
  userId?: string;

  @ApiPropertyOptional({ enum: ['success', 'failure'] })
  @IsOptional()
  @IsIn(RESULTS, { message: 'result must be success or failure' })
  result?: 'success' | 'failure';

  @ApiPropertyOptional({
    enum: LOGIN_METHODS,
    description: 'password (password_mfa once the second factor followed), invitation, sso (sso_mfa), the mfa step, refresh, api_key',
  })
  @IsOptional()
  @IsIn(LOGIN_METHODS, { message: `method must be one of ${LOGIN_METHODS.join(', ')}` })
  method?: string;

  @ApiPropertyOptional({ example: '203.0.113.7' })
  @IsOptional()
  @IsIP(undefined, { message: 'ip must be an IPv4 or IPv6 address' })
  ip?: string;
}

export class ListPermissionChangesRequest extends IntersectionType(TimeRangeRequest, PageRequest) {
  static readonly [QUICK_CHECK] = quickQuery<ListPermissionChangesRequest>({
    ...PAGE_RULES,
    change: oneOf(PERMISSION_CHANGE_KINDS_LIST),
    actor: uuid,
    subject: uuid,
  });

  @ApiPropertyOptional({ enum: PERMISSION_CHANGE_KINDS_LIST, description: 'the kind of change' })
  @IsOptional()
  @IsIn(PERMISSION_CHANGE_KINDS_LIST, { message: `change must be one of ${PERMISSION_CHANGE_KINDS_LIST.join(', ')}` })
  change?: string;

  @ApiPropertyOptional({ description: 'who made the change: a user’s or API key’s id' })
  @IsOptional()
  @IsUUID('all', { message: 'actor must be a user or API key id (UUID)' })
  actor?: string;

  @ApiPropertyOptional({ description: 'what changed: a user, team, resource, role, policy or SSO connection id' })
  @IsOptional()
  @IsUUID('all', { message: 'subject must be an id (UUID)' })
  subject?: string;
}

export class ExportRequest extends TimeRangeRequest {
  @ApiPropertyOptional({ enum: ['ndjson', 'csv'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format: 'ndjson' | 'csv' = 'ndjson';
}
