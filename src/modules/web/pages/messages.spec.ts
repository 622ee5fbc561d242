import { acceptedLanguages, languageFor } from './messages';

describe(languageFor.name, () => {
  it('fills placeholders', () => {
    expect(languageFor([]).t('rules.minLength', { n: 12 })).toBe('be at least 12 characters long');
  });

  it('declares the language the text is really in: English until another catalogue exists', () => {
    expect(languageFor(['de-DE', 'fr']).lang).toBe('en');
    expect(languageFor([null, 'en-GB']).lang).toBe('en');
  });
});

describe(acceptedLanguages.name, () => {
  it('orders the browser’s languages by preference and drops the wildcard and q=0', () => {
    expect(acceptedLanguages('fr;q=0.5, de-CH, en;q=0.8, *;q=0.1, it;q=0')).toEqual(['de-CH', 'en', 'fr']);
    expect(acceptedLanguages(undefined)).toEqual([]);
  });
});
