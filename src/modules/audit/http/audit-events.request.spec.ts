import 'reflect-metadata';
import { QUICK_CHECK, requestValidationPipe, type QuickCheck } from '../../../shared/request-validation';
import { fullValidationAnswer } from '../../../shared/request-validation.testing';
import { ExportRequest, ListAuditEventsRequest, ListLoginsRequest, ListPermissionChangesRequest, TimeRangeRequest } from './audit-events.request';

const USER = '0b0a5e4b-b830-4678-9cf1-22800a1c3cfd';
type Dto = (new () => object) & { [QUICK_CHECK]?: QuickCheck<object> };

/** What class-validator and class-transformer make of it: the plain fields, or the fields it names. */
async function full(dto: Dto, value: unknown): Promise<{ accepted?: object; refused?: string[] }> {
  const answer = await fullValidationAnswer(dto, value, 'query');
  return answer.errors ? { refused: answer.errors.map((e) => e.field) } : { accepted: { ...(answer.value as object) } };
}

const cases: [Dto, Record<string, unknown>][] = [
  [ListAuditEventsRequest, {}],
  [ListAuditEventsRequest, { limit: '50' }],
  [ListAuditEventsRequest, { type: 'auth.login_failed', limit: '10' }],
  [ListAuditEventsRequest, { type: 'auth.*', actor: 'Some-Key', subject: USER, team: USER, outcome: 'denied', ip: '203.0.113.7' }],
  [ListAuditEventsRequest, { ip: '2001:db8::1', cursor: 'eyJzZXEiOjF9', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00.000+01:00' }],
  [ListAuditEventsRequest, { actor: '' }],
  [ListAuditEventsRequest, { limit: ' 7 ' }],
  [ListAuditEventsRequest, { limit: '2.5' }],
  [ListAuditEventsRequest, { limit: '0' }],
  [ListAuditEventsRequest, { limit: '201' }],
  [ListAuditEventsRequest, { limit: 'x' }],
  [ListAuditEventsRequest, { limit: '' }],
  [ListAuditEventsRequest, { type: 'Auth.*' }],
  [ListAuditEventsRequest, { type: '' }],
  [ListAuditEventsRequest, { type: ['auth.login_failed', 'auth.login_succeeded'] }],
  [ListAuditEventsRequest, { actor: 'x'.repeat(101) }],
  [ListAuditEventsRequest, { team: 'not-a-uuid' }],
  [ListAuditEventsRequest, { outcome: 'maybe' }],
  [ListAuditEventsRequest, { ip: '203.0.113.300' }],
  [ListAuditEventsRequest, { from: 'yesterday' }],
  [ListAuditEventsRequest, { from: '+010000-01-01T00:00:00Z' }],
  [ListAuditEventsRequest, { to: '0000-06-01T00:00:00Z' }],
  [ListAuditEventsRequest, { cursor: 'c'.repeat(201) }],
  [ListAuditEventsRequest, { userId: USER }],
  [ListLoginsRequest, { userId: USER, result: 'failure', method: 'password_mfa', ip: '203.0.113.7', limit: '200' }],
  [ListLoginsRequest, { userId: USER.toUpperCase() }],
  [ListLoginsRequest, { userId: 'nobody' }],
  [ListLoginsRequest, { result: 'maybe' }],
  [ListLoginsRequest, { method: 'telepathy' }],
  [ListLoginsRequest, { type: 'auth.login_failed' }],
  [ListPermissionChangesRequest, { subject: USER, actor: USER, change: 'role_changed', from: '2026-12-01T00:00:00Z' }],
  [ListPermissionChangesRequest, { change: 'everything' }],
  [ListPermissionChangesRequest, { subject: 'x' }],
  [ListPermissionChangesRequest, { actor: 'Some-Key' }],
];

describe('audit list requests’ quick checks', () => {
  it.each(cases)('%p %j: accepted as the full validation transforms it, or left to it when it refuses', async (dto, value) => {
    const quick = dto[QUICK_CHECK]!(value);
    const expected = await full(dto, value);
    if (expected.accepted) expect(quick).toEqual(expected.accepted);
    else expect(quick).toBeUndefined();
  });

  it('is what the global pipe answers with, without the metadata walk', async () => {
    const answer = await requestValidationPipe().transform({ type: 'auth.*', limit: '5' }, { type: 'query', metatype: ListAuditEventsRequest });
    expect(answer).toEqual({ type: 'auth.*', limit: 5 });
    expect(answer).not.toBeInstanceOf(ListAuditEventsRequest);
  });

  it('leaves a refused query to the full validation, which names the field', async () => {
    await expect(requestValidationPipe().transform({ limit: '500' }, { type: 'query', metatype: ListLoginsRequest })).rejects.toMatchObject({
      fieldErrors: [{ field: 'limit' }],
    });
  });

  it('leaves to the full validation what it does not know, even what that lets through', async () => {
    const value = { constructor: 'x' };
    expect(ListAuditEventsRequest[QUICK_CHECK](value)).toBeUndefined();
    expect((await full(ListAuditEventsRequest, value)).accepted).toMatchObject({ limit: 50 });
  });

  it('is not inherited by a request with other rules', async () => {
    expect(Object.hasOwn(TimeRangeRequest, QUICK_CHECK)).toBe(false);
    await expect(requestValidationPipe().transform({ format: 'xml' }, { type: 'query', metatype: ExportRequest })).rejects.toMatchObject({
      fieldErrors: [{ field: 'format' }],
    });
  });
});
