import { fullValidationAnswer, pipeAnswer } from '../../../../shared/request-validation.testing';
import { LoginRequest, validLogin } from './login.request';

const globally = (body: unknown) => fullValidationAnswer(LoginRequest, body);
const answer = (body: unknown) => pipeAnswer(LoginRequest, body);

const valid: unknown[] = [
  { organization: 'default', email: 'admin@example.com', password: 'p' },
  { organization: 'o'.repeat(63), email: 'e'.repeat(254), password: 'p'.repeat(1024) },
  { organization: 'x', email: 'not an address', password: '' },
];

const invalid: unknown[] = [
  null,
  'login',
  [],
  {},
  { organization: '', email: 'a@example.com', password: 'p' },
  { organization: 'o'.repeat(64), email: 'a@example.com', password: 'p' },
  { organization: 'default', email: '', password: 'p' },
  { organization: 'default', email: 'e'.repeat(255), password: 'p' },
  { organization: 'default', email: 'a@example.com', password: 'p'.repeat(1025) },
  { organization: 'default', email: 'a@example.com' },
  { organization: 'default', email: 'a@example.com', password: 5 },
  { organization: 'default', email: ['a@example.com'], password: 'p' },
  { organization: 'default', email: 'a@example.com', password: 'p', remember: 'yes' },
];

describe(LoginRequest.name, () => {
  it.each(valid)('accepts %j quickly, as the full validation does', async (body) => {
    expect(validLogin(body)).toBe(body);
    expect(await answer(body)).toEqual(await globally(body));
  });

  it.each(invalid)('leaves %j to the full validation, which answers the same through the pipe', async (body) => {
    expect(validLogin(body)).toBeUndefined();
    const full = await globally(body);
    expect(full).toHaveProperty('errors');
    expect(await answer(body)).toEqual(full);
  });
});
