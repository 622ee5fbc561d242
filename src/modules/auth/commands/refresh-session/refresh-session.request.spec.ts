import type { ArgumentMetadata } from '@nestjs/common';
import type { RequestValidationError } from '../../../../shared/problem-details.filter';
import { QUICK_CHECK, requestValidationPipe } from '../../../../shared/request-validation';
import { RefreshSessionRequest, validRefresh } from './refresh-session.request';

const metadata: ArgumentMetadata = { type: 'body', metatype: RefreshSessionRequest, data: undefined };

async function answer(body: unknown): Promise<unknown> {
  try {
    return { value: { ...(await requestValidationPipe().transform(body, metadata)) } };
  } catch (error) {
    return { errors: (error as RequestValidationError).fieldErrors };
  }
}

/** What the full validation answers, the quick check set aside. */
async function globally(body: unknown): Promise<unknown> {
  const quick = Object.getOwnPropertyDescriptor(RefreshSessionRequest, QUICK_CHECK);
  Reflect.deleteProperty(RefreshSessionRequest, QUICK_CHECK);
  try {
    return await answer(body);
  } finally {
    if (quick) Object.defineProperty(RefreshSessionRequest, QUICK_CHECK, quick);
  }
}

const valid: unknown[] = [{ refreshToken: 'ghr_' + 'a'.repeat(43) }, { refreshToken: 'x'.repeat(10) }, { refreshToken: 'x'.repeat(200) }];

const invalid: unknown[] = [null, 'token', [], {}, { refreshToken: 'x'.repeat(9) }, { refreshToken: 'x'.repeat(201) }, { refreshToken: 12345678901 }, { refreshToken: 'ghr_abcdefghij', extra: 'x' }];

describe(RefreshSessionRequest.name, () => {
  it.each(valid)('accepts %j quickly, as the full validation does', async (body) => {
    expect(validRefresh(body)).toBe(body);
    expect(await answer(body)).toEqual(await globally(body));
  });

  it.each(invalid)('leaves %j to the full validation, which answers the same through the pipe', async (body) => {
    expect(validRefresh(body)).toBeUndefined();
    const full = await globally(body);
    expect(full).toHaveProperty('errors');
    expect(await answer(body)).toEqual(full);
  });
});
