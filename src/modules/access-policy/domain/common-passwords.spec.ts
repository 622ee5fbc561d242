import { CommonPasswords } from './common-passwords';

describe(CommonPasswords.name, () => {
  const sut = new CommonPasswords();

  it('ships at least the 100,000 most common passwords', () => {
    expect(sut.size).toBeGreaterThanOrEqual(100_000);
  });

  it('knows the classics', () => {
    for (const password of ['password', '123456', 'qwerty', '12345678', 'iloveyou', 'letmein']) {
      expect(sut.has(password)).toBe(true);
    }
  });

  it('compares without regard to case', () => {
    expect(sut.has('PassWord')).toBe(true);
    expect(sut.has('QWERTY')).toBe(true);
  });

  it('does not know a random passphrase', () => {
    expect(sut.has('violet-anchor-7-quietly-orbits')).toBe(false);
  });

  it('does not treat the empty string as a listed password', () => {
    expect(sut.has('')).toBe(false);
  });

  it('fails loudly when the list is missing rather than refuse nothing', () => {
    expect(() => new CommonPasswords('/nonexistent/common-passwords.txt.gz')).toThrow();
  });
});
