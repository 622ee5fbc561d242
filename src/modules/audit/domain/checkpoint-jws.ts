import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';

export const CHECKPOINT_TYP = 'gatehouse-checkpoint+jws';

/** What a checkpoint states: the organization's chain had reached `seq` with `hash` at `at`. */
export interface CheckpointPayload {
  organizationId: string;
  seq: number;
  hash: string;
  at: string;
}

const isPayload = (value: unknown): value is CheckpointPayload => {
  const p = value as Partial<CheckpointPayload> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.organizationId === 'string' &&
    Number.isSafeInteger(p.seq) &&
    typeof p.hash === 'string' &&
    typeof p.at === 'string'
  );
};

/**
 * Checks a checkpoint's compact JWS with nothing but a JWKS: RS256, the `kid` of a
 * published key, a signature over `header.payload`. Answers the payload, or null.
 */
export function verifyCheckpoint(jws: string, jwks: { keys: (JsonWebKey & { kid?: string })[] }): CheckpointPayload | null {
  const parts = jws.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string; kid?: string; typ?: string };
    if (header.alg !== 'RS256' || header.typ !== CHECKPOINT_TYP) return null;
    const jwk = jwks.keys.find((key) => key.kid === header.kid);
    if (!jwk) return null;
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'))) return null;
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return isPayload(payload) ? payload : null;
  } catch {
    return null;
  }
}
