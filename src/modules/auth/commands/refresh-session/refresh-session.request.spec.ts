import { fullValidationAnswer, pipeAnswer } from '../../../../shared/request-validation.testing';
import { RefreshSessionRequest, validRefresh } from './refresh-session.request';

const globally = (body: unknown) => fullValidationAnswer(RefreshSessionRequest, body);
const answer = (body: unknown) => pipeAnswer(RefreshSessionRequest, body);

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
