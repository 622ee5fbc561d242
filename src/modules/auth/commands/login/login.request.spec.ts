import type { ArgumentMetadata } from '@nestjs/common';
import type { RequestValidationError } from '../../../../shared/problem-details.filter';
import { QUICK_CHECK, requestValidationPipe } from '../../../../shared/request-validation';
import { LoginRequest, validLogin } from './login.request';

const metadata: ArgumentMetadata = { type: 'body', metatype: LoginRequest, data: undefined };

async function answer(body: unknown): Promise<unknown> {
  try {
    return { value: { ...(await requestValidationPipe().transform(body, metadata)) } };
  } catch (error) {
    return { errors: (error as RequestValidationError).fieldErrors };
  }
}

/** What the full validation answers, the quick check set aside. */
async function globally(body: unknown): Promise<unknown> {
  const quick = Object.getOwnPropertyDescriptor(LoginRequest, QUICK_CHECK);
  Reflect.deleteProperty(LoginRequest, QUICK_CHECK);
  try {
    return await answer(body);
  } finally {
    if (quick) Object.defineProperty(LoginRequest, QUICK_CHECK, quick);
  }
}

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
