import { fullValidationAnswer, pipeAnswer } from '../../../shared/request-validation.testing';
import { DecisionRequest, validQuestion } from './decision.requests';

const USER = 'a0000000-0000-4000-8000-00000000000a';

const globally = (body: unknown) => fullValidationAnswer(DecisionRequest, body);
const throughPipe = (body: unknown) => pipeAnswer(DecisionRequest, body);

const valid: unknown[] = [
  { action: 'deploy', resource: { type: 'application', externalId: 'app-1' } },
  { userId: USER, action: 'deploy', resource: { type: 'application', id: USER } },
  { userId: USER.toUpperCase(), action: 'read.all', resource: { type: 'report' }, ip: '203.0.113.7' },
  { action: 'x', resource: { type: 'a', id: USER, externalId: '' }, ip: '2001:db8::1' },
  { action: 'deploy', resource: { type: 'application', externalId: 'e'.repeat(200) } },
];

const invalid: unknown[] = [
  null,
  'deploy',
  [],
  {},
  { action: 'Deploy!', resource: { type: 'application' } },
  { action: 'deploy' },
  { action: 'deploy', resource: [] },
  { action: 'deploy', resource: 'application' },
  { action: 'deploy', resource: { type: 'Application' } },
  { action: 'deploy', resource: { type: 'application', id: 'not-a-uuid' } },
  { action: 'deploy', resource: { type: 'application', externalId: 7 } },
  { action: 'deploy', resource: { type: 'application', externalId: 'e'.repeat(201) } },
  { action: 'deploy', resource: { type: 'application', owner: 'x' } },
  { action: 'deploy', resource: { type: 'application' }, extra: true },
  { userId: 'nobody', action: 'deploy', resource: { type: 'application' } },
  { userId: '', action: 'deploy', resource: { type: 'application' } },
  { action: 'deploy', resource: { type: 'application' }, ip: '999.1.1.1' },
  { action: 5, resource: { type: 5 } },
];

// the global pipe accepts these too (IsOptional lets null through); the fast path leaves them to it
const acceptedByFallback: unknown[] = [{ userId: null, action: 'deploy', resource: { type: 'application', id: null } }];

describe('DecisionRequest quick check', () => {
  it.each(valid.map((body) => [JSON.stringify(body).slice(0, 80), body]))('takes a valid question as the global pipe would: %s', async (_, body) => {
    expect(validQuestion(body)).toBe(body);
    expect(await throughPipe(body)).toEqual(await globally(body));
  });

  it.each(invalid.map((body) => [JSON.stringify(body)?.slice(0, 80), body]))('refuses with the global pipe’s field errors: %s', async (_, body) => {
    expect(validQuestion(body)).toBeUndefined();
    const expected = await globally(body);
    expect(expected).toHaveProperty('errors');
    expect(await throughPipe(body)).toEqual(expected);
  });

  it('leaves what only the global pipe accepts to it, with its answer', async () => {
    for (const body of acceptedByFallback) {
      expect(validQuestion(body)).toBeUndefined();
      const expected = await globally(body);
      expect(expected).toHaveProperty('value');
      expect(await throughPipe(body)).toEqual(expected);
    }
  });
});
