import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { hashToken } from '../../../infrastructure/security/token-hash';
import { Clock } from '../../../shared/clock';
import { IdGenerator } from '../../../shared/ids';
import { SigningKeys } from './signing-keys';

export const REFRESH_TOKEN_PREFIX = 'ghr_';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface AccessClaims {
  sub: string;
  org: string;
  sid: string;
  role: string;
}

/** Mints access JWTs and opaque refresh tokens (stored by the session as a hash). */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly config: AppConfig,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  newRefreshToken(): { token: string; hash: string } {
    const token = REFRESH_TOKEN_PREFIX + this.ids.secret(32);
    return { token, hash: hashToken(token) };
  }

  pair(claims: AccessClaims, refreshToken: string): TokenPair {
    const expiresIn = this.config.values.auth.accessTokenTtlSeconds;
    const accessToken = this.keys.sign(
      // ims: issue time in ms, so a revocation in the same second as a new sign-in is told apart
      { ...claims, ims: this.clock.now().getTime(), iss: this.config.values.publicUrl, aud: this.config.values.auth.audience },
      expiresIn,
    );
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn };
  }
}
