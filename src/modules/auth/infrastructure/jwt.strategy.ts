import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../../../infrastructure/config/app-config';
import type { Principal } from '../../../shared/principal';
import { SigningKeys } from './signing-keys';

interface JwtPayload {
  sub?: unknown;
  org?: unknown;
  sid?: unknown;
  role?: unknown;
  ims?: unknown;
  iat?: unknown;
}

function kidOf(rawJwt: string): string | null {
  try {
    const header = JSON.parse(Buffer.from(rawJwt.split('.')[0], 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid : null;
  } catch {
    return null;
  }
}

/**
 * Verifies access JWTs: RS256 only (no `none`, no HMAC with a public key), a `kid` we
 * published, our issuer and audience, not expired.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig, keys: SigningKeys) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: ['RS256'],
      issuer: config.values.publicUrl,
      audience: config.values.auth.audience,
      ignoreExpiration: false,
      secretOrKeyProvider: (_request: unknown, rawJwt: string, done: (error: Error | null, key?: string | Buffer) => void) => {
        const kid = kidOf(rawJwt);
        if (!kid) return done(new Error('token has no kid'));
        keys.verificationKey(kid).then(
          // jsonwebtoken takes a KeyObject as it is; the typing of passport-jwt predates it
          (key) => (key ? done(null, key as unknown as Buffer) : done(new Error('unknown kid'))),
          (error: Error) => done(error),
        );
      },
    });
  }

  validate(payload: JwtPayload): Principal | false {
    if (typeof payload.sub !== 'string' || typeof payload.org !== 'string' || typeof payload.role !== 'string') return false;
    return {
      userId: payload.sub,
      organizationId: payload.org,
      role: payload.role,
      sessionId: typeof payload.sid === 'string' ? payload.sid : null,
      apiKeyId: null,
      scopes: null,
      issuedAt: typeof payload.ims === 'number' ? payload.ims : typeof payload.iat === 'number' ? payload.iat * 1000 : 0,
    };
  }
}
