import type { AppConfigValues } from '../config/app-config';
import { AppLogger } from './app-logger';

const reply = (statusCode: number, headers: Record<string, string> = {}) => ({ statusCode, elapsedTime: 3, getHeader: (name: string) => headers[name.toLowerCase()] });
const request = { id: 'r1', method: 'POST', url: '/api/v1/auth/login', headers: {} };

describe(AppLogger.name, () => {
  const sut = new AppLogger({ logLevel: 'info', env: 'test' } as AppConfigValues);
  const error = jest.spyOn(sut.pino, 'error').mockImplementation(() => undefined);
  const info = jest.spyOn(sut.pino, 'info').mockImplementation(() => undefined);

  beforeEach(() => jest.clearAllMocks());

  it('writes no line for a limit or shed load refused on purpose (429 or 503 with Retry-After)', () => {
    sut.request(request, reply(503, { 'retry-after': '1' }));
    sut.request(request, reply(429, { 'retry-after': '30' }));
    expect(error).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
  });

  it('still logs failures and refusals that carry no Retry-After', () => {
    sut.request(request, reply(503));
    sut.request(request, reply(401));
    expect(error).toHaveBeenCalledTimes(1);
    expect(info).toHaveBeenCalledTimes(1);
  });
});
