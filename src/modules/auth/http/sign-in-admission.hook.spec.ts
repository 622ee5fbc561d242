import type { FastifyReply, FastifyRequest } from 'fastify';
import { EventEmitter } from 'node:events';
import type { AnonymousThrottleGuard } from '../../../infrastructure/security/anonymous-throttle.guard';
import { PasswordHashingBusyError, SIGN_IN_ADMISSION, type PasswordHasher, type SignInAdmission } from '../../../infrastructure/security/password-hasher';
import { TooManyRequestsError } from '../../../infrastructure/security/anonymous-throttle.guard';
import { domainProblem } from '../../../shared/problem-details.filter';
import { SignInAdmissionHook } from './sign-in-admission.hook';

function fakeReply() {
  const sent: { status?: number; headers: Record<string, string>; body?: string } = { headers: {} };
  const raw = new EventEmitter();
  const reply = {
    raw,
    code(status: number) {
      sent.status = status;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
      return reply;
    },
    send(body: string) {
      sent.body = body;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, raw, sent };
}

describe(SignInAdmissionHook.name, () => {
  const request = (url = '/api/v1/auth/login') => ({ url, ip: '10.0.0.7' }) as unknown as FastifyRequest;
  const admission: SignInAdmission = { verify: jest.fn(), release: jest.fn() };
  let limitedFor: number | null;
  let room: SignInAdmission | { retryAfterSeconds: number };
  const hasher = { tryAdmit: () => room } as unknown as PasswordHasher;
  const throttle = { refusedLocally: (_policy: string, address: string) => (address === '10.0.0.7' ? limitedFor : null) } as unknown as AnonymousThrottleGuard;
  const sut = new SignInAdmissionHook(hasher, throttle);

  beforeEach(() => {
    limitedFor = null;
    room = admission;
    jest.clearAllMocks();
  });

  it('admits a sign-in while there is room, holding its place until the answer is sent', () => {
    const { reply, raw, sent } = fakeReply();
    const done = jest.fn();
    const req = request();
    sut.onRequest(req, reply, done);
    expect(done).toHaveBeenCalledWith();
    expect(sent.status).toBeUndefined();
    expect((req as unknown as Record<symbol, unknown>)[SIGN_IN_ADMISSION]).toBe(admission);
    raw.emit('close');
    expect(admission.release).toHaveBeenCalledTimes(1);
  });

  it('answers 503 AUTH.BUSY past capacity with Retry-After, the problem the filter would send, without going on', () => {
    room = { retryAfterSeconds: 2 };
    for (const url of ['/api/v1/auth/login', '/api/v1/auth/login?x=1']) {
      const { reply, sent } = fakeReply();
      const done = jest.fn();
      sut.onRequest(request(url), reply, done);
      expect(done).not.toHaveBeenCalled();
      expect(sent.status).toBe(503);
      expect(sent.headers['retry-after']).toBe('2');
      expect(sent.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(sent.body!)).toEqual(domainProblem(new PasswordHashingBusyError(2), '/api/v1/auth/login'));
    }
  });

  it('answers 429 to an address the anonymous limit refused this window, before taking a place', () => {
    limitedFor = 40;
    const tryAdmit = jest.spyOn(hasher, 'tryAdmit');
    const { reply, sent } = fakeReply();
    const done = jest.fn();
    sut.onRequest(request(), reply, done);
    expect(done).not.toHaveBeenCalled();
    expect(tryAdmit).not.toHaveBeenCalled();
    expect(sent.status).toBe(429);
    expect(sent.headers['retry-after']).toBe('40');
    expect(JSON.parse(sent.body!)).toEqual(domainProblem(new TooManyRequestsError(40), '/api/v1/auth/login'));
  });
});
