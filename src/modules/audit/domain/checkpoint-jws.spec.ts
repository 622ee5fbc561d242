import { generateKeyPairSync, sign } from 'node:crypto';
import { CHECKPOINT_TYP, verifyCheckpoint } from './checkpoint-jws';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const payload = { organizationId: 'org', seq: 7, hash: 'a'.repeat(64), at: '2026-12-02T00:00:00.000Z' };

function jws(header: Record<string, unknown>, body: unknown = payload): string {
  const input = `${b64(header)}.${b64(body)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

describe(verifyCheckpoint.name, () => {
  it('answers the payload of a checkpoint signed with a published key', () => {
    expect(verifyCheckpoint(jws({ alg: 'RS256', kid: 'k1', typ: CHECKPOINT_TYP }), jwks)).toEqual(payload);
  });

  it('refuses an altered payload, an unknown key, another type or algorithm', () => {
    const good = jws({ alg: 'RS256', kid: 'k1', typ: CHECKPOINT_TYP });
    const [header, , signature] = good.split('.');
    expect(verifyCheckpoint(`${header}.${b64({ ...payload, seq: 8 })}.${signature}`, jwks)).toBeNull();
    expect(verifyCheckpoint(jws({ alg: 'RS256', kid: 'k2', typ: CHECKPOINT_TYP }), jwks)).toBeNull();
    expect(verifyCheckpoint(jws({ alg: 'RS256', kid: 'k1', typ: 'JWT' }), jwks)).toBeNull();
    expect(verifyCheckpoint(jws({ alg: 'none', kid: 'k1', typ: CHECKPOINT_TYP }), jwks)).toBeNull();
    expect(verifyCheckpoint('not.a.jws', jwks)).toBeNull();
  });
});
