import { safeReturnTo } from './return-to';

describe(safeReturnTo.name, () => {
  const publicUrl = 'https://id.example.com';
  const allowed = ['https://app.example.com'];

  it('keeps a path on our own origin', () => {
    expect(safeReturnTo('/account/sessions?x=1', publicUrl, allowed)).toBe('/account/sessions?x=1');
  });

  it('keeps an absolute URL on our origin or an allow-listed one', () => {
    expect(safeReturnTo('https://id.example.com/account', publicUrl, allowed)).toBe('https://id.example.com/account');
    expect(safeReturnTo('https://app.example.com/welcome', publicUrl, allowed)).toBe('https://app.example.com/welcome');
  });

  it.each([
    'https://evil.example.net/',
    '//evil.example.net/x',
    '/\\evil.example.net',
    'javascript:alert(1)',
    'https://app.example.com.evil.net/',
    'http://app.example.com/',
    'https://user:pw@app.example.com/',
    '/account\n',
    '',
  ])('refuses %j', (value) => {
    expect(safeReturnTo(value, publicUrl, allowed)).toBeNull();
  });

  it('refuses what is not a string', () => {
    expect(safeReturnTo(['/account'], publicUrl, allowed)).toBeNull();
  });
});
