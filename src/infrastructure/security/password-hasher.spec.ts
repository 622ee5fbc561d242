import type { AppConfig } from '../config/app-config';
import { loadConfig } from '../config/load-config';
import { PasswordHasher, PasswordHashingBusyError } from './password-hasher';

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
    expect(outcomes.filter((o) => o.status === 'fulfilled').every((o) => o.value === true)).toBe(true);
  }, 60_000);
});
