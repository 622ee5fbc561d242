import type { AppConfig } from '../config/app-config';
import { loadConfig } from '../config/load-config';
import { HashingCapacity, MAX_EXPECTED_WAIT_MS, PasswordHasher, PasswordHashingBusyError } from './password-hasher';

// the production cost: what the busy rule is about
const owasp = (): AppConfig => ({ values: loadConfig({ NODE_ENV: 'development' }) });

describe(PasswordHasher.name, () => {
  it('verifies what it hashed, and refuses a wrong password', async () => {
    const sut = new PasswordHasher(owasp());
    const hash = await sut.hash('correct horse battery staple');
    await expect(sut.verify(hash, 'correct horse battery staple')).resolves.toBe(true);
    await expect(sut.verify(hash, 'wrong')).resolves.toBe(false);
    await expect(sut.verify(null, 'anything')).resolves.toBe(false);
  }, 30_000);

  it('hashes at the configured argon2id cost', async () => {
    const config = owasp();
    await expect(new PasswordHasher(config).hash('p')).resolves.toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const cheap: AppConfig = { values: { ...config.values, auth: { ...config.values.auth, passwordHash: { memoryKiB: 1024, iterations: 1 } } } };
    await expect(new PasswordHasher(cheap).hash('p')).resolves.toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
  });

  it('refuses at once, as busy, what exceeds its slots and waiting room, and serves the rest', async () => {
    const sut = new PasswordHasher(owasp());
    const hash = await sut.hash('p');
    const outcomes = await Promise.allSettled(Array.from({ length: 200 }, () => sut.verify(hash, 'p')));
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((o) => o.reason instanceof PasswordHashingBusyError)).toBe(true);
    expect(refused.every((o) => (o.reason as PasswordHashingBusyError).retryAfterSeconds! >= 1)).toBe(true);
    expect(outcomes.filter((o) => o.status === 'fulfilled').every((o) => o.value === true)).toBe(true);
  }, 60_000);

  it('admits sign-ins up to its slots and waiting room, holding each place until its verify is done', async () => {
    const sut = new PasswordHasher(owasp());
    const hash = await sut.hash('p');
    const admitted = [];
    for (;;) {
      try {
        admitted.push(sut.admit());
      } catch (error) {
        expect(error).toBeInstanceOf(PasswordHashingBusyError);
        expect((error as PasswordHashingBusyError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
        break;
      }
    }
    // the places are held while the admitted are still reading their accounts
    expect(admitted.length).toBeGreaterThanOrEqual(3);
    expect(sut.busy()).toBeInstanceOf(PasswordHashingBusyError);
    // one ends early (say, its organization is locked out): its place frees at once, once
    admitted[0].release();
    admitted[0].release();
    expect(sut.busy()).toBeNull();
    expect(() => sut.admit()).not.toThrow();
    expect(sut.busy()).toBeInstanceOf(PasswordHashingBusyError);
    const results = await Promise.all(admitted.slice(1).map((a) => a.verify(hash, 'p')));
    expect(results.every(Boolean)).toBe(true);
  }, 60_000);

  describe(HashingCapacity.name, () => {
    it('sizes the waiting room so the last one admitted expects to wait about the bound at most', () => {
      const sut = new HashingCapacity(2);
      for (let i = 0; i < 50; i++) sut.observe(24);
      expect(sut.averageHashMs).toBeCloseTo(24, 0);
      // two slots, 24 ms each: the last one admitted starts after as many rounds of two as fit in the bound
      expect(sut.waitingRoom()).toBe(2 * Math.floor(MAX_EXPECTED_WAIT_MS / 24));
      expect((sut.waitingRoom() / 2) * sut.averageHashMs).toBeLessThanOrEqual(MAX_EXPECTED_WAIT_MS);
    });

    it('leaves fewer places when hashes take longer (a costlier hash, a busier core), but always three per slot', () => {
      const sut = new HashingCapacity(1);
      for (let i = 0; i < 50; i++) sut.observe(29);
      expect(sut.waitingRoom()).toBe(Math.floor(MAX_EXPECTED_WAIT_MS / 29));
      for (let i = 0; i < 50; i++) sut.observe(2000);
      expect(sut.waitingRoom()).toBe(3);
      for (let i = 0; i < 100; i++) sut.observe(0.5);
      expect(sut.waitingRoom()).toBe(16);
    });

    it('lets an admitted one wait what the room promised and one hash more before refusing it', () => {
      const sut = new HashingCapacity(1);
      for (let i = 0; i < 50; i++) sut.observe(20);
      expect(sut.maxWaitMs()).toBeCloseTo(MAX_EXPECTED_WAIT_MS + 20, 0);
      // slow hashes: the three places a slot always has, each a hash, and one more
      for (let i = 0; i < 50; i++) sut.observe(100);
      expect(sut.maxWaitMs()).toBeCloseTo(4 * 100, 0);
    });

    it('asks a refused client to come back once the queue ahead is through', () => {
      const sut = new HashingCapacity(1);
      for (let i = 0; i < 50; i++) sut.observe(300);
      expect(sut.retryAfterSeconds(0)).toBe(1);
      expect(sut.retryAfterSeconds(4)).toBe(2);
    });
  });
});
