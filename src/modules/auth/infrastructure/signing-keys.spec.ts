import { generateKeyPairSync } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import jwt from 'jsonwebtoken';
import type { SecretBox } from '../../../infrastructure/security/secret-box';
import { SystemClock } from '../../../shared/clock';
import type { IdGenerator } from '../../../shared/ids';
import { SigningKeys } from './signing-keys';

describe(SigningKeys.name, () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const row = {
    kid: 'kid-1',
    public_jwk: { ...publicKey.export({ format: 'jwk' }), kid: 'kid-1', alg: 'RS256', use: 'sig' },
    private_pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    created_at: new Date(),
    retired_at: null,
  };
  const em = { fork: () => em, getConnection: () => ({ execute: () => Promise.resolve([row]) }) } as unknown as EntityManager;
  const box = { open: (sealed: string) => sealed } as unknown as SecretBox;
  const sut = new SigningKeys(em, new SystemClock(), {} as IdGenerator, box);

  it('signs access tokens that jsonwebtoken verifies against the published key, as it signed them', async () => {
    await sut.reload();
    const claims = { sub: 'u', org: 'o', sid: 's', role: 'Viewer', ims: Date.now(), iss: 'https://gatehouse.test', aud: 'gatehouse' };
    const token = sut.sign(claims, 900);
    const verified = jwt.verify(token, publicKey, { algorithms: ['RS256'], audience: 'gatehouse', issuer: 'https://gatehouse.test', complete: true });
    expect(verified.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'kid-1' });
    const payload = verified.payload as Record<string, number>;
    expect(payload).toMatchObject(claims);
    expect(payload.exp - payload.iat).toBe(900);
    expect(Math.abs(payload.iat - Date.now() / 1000)).toBeLessThan(5);
    // the same claims as jsonwebtoken's own sign puts in, in the same order
    const theirs = jwt.decode(jwt.sign(claims, privateKey, { algorithm: 'RS256', keyid: 'kid-1', expiresIn: 900 }), { complete: true })!;
    expect(Object.keys(payload)).toEqual(Object.keys(theirs.payload as object));
    expect(verified.header).toEqual(theirs.header);
  });
});
