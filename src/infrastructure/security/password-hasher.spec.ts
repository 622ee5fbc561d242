import { PasswordHasher, PasswordHashingBusyError } from './password-hasher';

describe(PasswordHasher.name, () => {
  it('verifies what it hashed, and refuses a wrong password', async () => {
    const sut = new PasswordHasher();
    const hash = await sut.hash('correct horse battery staple');
    await expect(sut.verify(hash, 'correct horse battery staple')).resolves.toBe(true);
    await expect(sut.verify(hash, 'wrong')).resolves.toBe(false);
    await expect(sut.verify(null, 'anything')).resolves.toBe(false);
  }, 30_000);

  it('refuses at once, as busy, what exceeds its slots and waiting room, and serves the rest', async () => {
    const sut = new PasswordHasher();
    const hash = await sut.hash('p');
    const outcomes = await Promise.allSettled(Array.from({ length: 200 }, () => sut.verify(hash, 'p')));
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((o) => o.reason instanceof PasswordHashingBusyError)).toBe(true);
    expect(outcomes.filter((o) => o.status === 'fulfilled').every((o) => o.value === true)).toBe(true);
  }, 60_000);
});
