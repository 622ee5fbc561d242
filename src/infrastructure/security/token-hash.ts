import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * High-entropy tokens (invitations, refresh tokens, API keys) are stored as SHA-256: a slow
 * hash adds nothing against 256-bit secrets, and lookups stay an index probe.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
