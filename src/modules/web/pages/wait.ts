import type { Translate } from './messages';

/** "Try again in 15 minutes (after 14:32 UTC)": a lock's Retry-After as people read it. */
export function waitSentence(t: Translate, key: 'locked.account' | 'locked.address', retryAfterSeconds: number, now: Date): string {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const wait =
    seconds < 90
      ? t('wait.seconds', { n: seconds })
      : seconds < 90 * 60
        ? t('wait.minutes', { n: Math.ceil(seconds / 60) })
        : t('wait.hours', { n: Math.ceil(seconds / 3600) });
  const at = new Date(now.getTime() + seconds * 1000).toISOString().slice(11, 16) + ' UTC';
  return t(key, { wait, at });
}
