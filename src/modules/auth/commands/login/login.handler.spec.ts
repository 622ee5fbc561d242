import type { AppConfig } from '../../../../infrastructure/config/app-config';
import type { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { PasswordHashingBusyError, type PasswordHasher, type SignInAdmission } from '../../../../infrastructure/security/password-hasher';
import type { RateLimits } from '../../../../infrastructure/security/rate-limits';
import type { Actor } from '../../../../shared/actor';
import type { OrganizationDirectory } from '../../../organizations';
import type { SignInCandidate, UserAccounts } from '../../../users';
import { SignInLockedError, type LoginThrottle, type Reservation } from '../../infrastructure/login-throttle';
import type { SignInCompletion } from '../../infrastructure/sign-in-completion';
import { LoginCommand } from './login.command';
import { LoginHandler } from './login.handler';

const ORG = '00000000-0000-4000-8000-000000000001';
const actor = { type: 'anonymous', id: null, organizationId: null, ip: '203.0.113.9', userAgent: 'spec', requestId: 'r1' } as unknown as Actor;
const candidate = { id: '00000000-0000-4000-8000-000000000002', organizationId: ORG, role: 'Viewer', status: 'active', passwordHash: 'hash' } as unknown as SignInCandidate;

/** The handler with its collaborators as fakes that log what was asked of them, in order. */
function handler(options: { findForSignIn?: () => Promise<SignInCandidate | null>; reserve?: () => Promise<Reservation>; verify?: () => Promise<boolean> } = {}) {
  const log: string[] = [];
  const reservation: Reservation = {
    succeeded: async () => void log.push('succeeded'),
    failed: async () => (log.push('failed'), { failures: 1, lockedForSeconds: null, lockScope: null }),
    abandoned: async () => void log.push('abandoned'),
  };
  const admission: SignInAdmission = {
    verify: options.verify ?? (async () => (log.push('verify'), true)),
    release: () => undefined,
  };
  const sut = new LoginHandler(
    { run: async () => (log.push('event'), { result: undefined, events: [] }) } as unknown as UnitOfWork,
    { findBySlug: async () => ({ id: ORG }) } as unknown as OrganizationDirectory,
    { findForSignIn: options.findForSignIn ?? (async () => (log.push('read'), candidate)) } as unknown as UserAccounts,
    {} as PasswordHasher,
    {
      accountKey: () => 'account',
      reserve: options.reserve ?? (async () => (log.push('reserve'), reservation)),
      delayMs: () => 0,
    } as unknown as LoginThrottle,
    { sample: async () => 1 } as unknown as RateLimits,
    {
      factors: async () => (log.push('factors'), { mfaEnabled: false, ssoOnlyConnection: false }),
      afterFirstFactor: async () => (log.push('complete'), { accessToken: 'a' }),
    } as unknown as SignInCompletion,
    { values: { rateLimits: { refusalSampleSeconds: 60 } } } as unknown as AppConfig,
  );
  const run = () => sut.execute(new LoginCommand('default', 'someone@example.com', 'password', actor, admission));
  return { run, log };
}

describe(LoginHandler.name, () => {
  it('reserves the attempt while the account is read, and verifies only once both are done (the factors read alongside)', async () => {
    let read!: (value: SignInCandidate) => void;
    const { run, log } = handler({ findForSignIn: () => new Promise((resolve) => (read = resolve)) });
    const answer = run();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['reserve']);
    read(candidate);
    await expect(answer).resolves.toEqual({ accessToken: 'a' });
    expect(log).toEqual(['reserve', 'factors', 'verify', 'complete']);
  });

  it('abandons the reservation and checks no password when the account cannot be read', async () => {
    const { run, log } = handler({ findForSignIn: async () => Promise.reject(new Error('database away')) });
    await expect(run()).rejects.toThrow('database away');
    expect(log).toEqual(['reserve', 'abandoned']);
  });

  it('counts no guess when the hashing pool refuses the verify (its turn came past its wait)', async () => {
    const { run, log } = handler({ verify: async () => Promise.reject(new PasswordHashingBusyError(1)) });
    await expect(run()).rejects.toBeInstanceOf(PasswordHashingBusyError);
    expect(log).toEqual(['read', 'reserve', 'factors', 'abandoned']);
  });

  it('refuses a locked attempt without a verify, recording the refusal against the account it read', async () => {
    const { run, log } = handler({ reserve: async () => Promise.reject(new SignInLockedError(60, 'account_address')) });
    await expect(run()).rejects.toBeInstanceOf(SignInLockedError);
    expect(log).toEqual(['read', 'event']);
  });

  it("verifies an inactive account's password too, then counts the attempt a failure and records it", async () => {
    const { run, log } = handler({ findForSignIn: async () => ({ ...candidate, status: 'deactivated' }) });
    await expect(run()).rejects.toThrow();
    expect(log).toEqual(['reserve', 'factors', 'verify', 'failed', 'event']);
  });
});
