import { languageFor } from './messages';
import { waitSentence } from './wait';

describe(waitSentence.name, () => {
  const { t } = languageFor([]);
  const now = new Date('2026-12-02T10:00:00Z');

  it('says when to try again in words and as a time', () => {
    expect(waitSentence(t, 'locked.account', 900, now)).toBe(
      'Too many failed attempts. For your security, signing in is paused. Try again in 15 minutes (after 10:15 UTC).',
    );
    expect(waitSentence(t, 'locked.address', 30, now)).toBe('Too many requests from your network. Try again in 30 seconds (after 10:00 UTC).');
    expect(waitSentence(t, 'locked.account', 86_400, now)).toContain('24 hours');
  });
});
