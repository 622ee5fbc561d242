import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { hashToken } from '../../../infrastructure/security/token-hash';
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
  pop: boolean;
}

/** Mints access JWTs and opaque refresh tokens (stored by the session as a hash). */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly config: AppConfig,
    private readonly ids: IdGenerator,
  ) {}

  newRefreshToken(): { token: string; hash: string } {
    const token = REFRESH_TOKEN_PREFIX + this.ids.secret(32);
    return { token, hash: hashToken(token) };
  }

  accessToken(claims: AccessClaims): { token: string; expiresIn: number } {
    const expiresIn = this.config.values.auth.accessTokenTtlSeconds;
    const token = this.keys.sign(
      { ...claims, iss: this.config.values.publicUrl, aud: this.config.values.auth.audience },
      expiresIn,
    );
    return { token, expiresIn };
  }

  pair(claims: AccessClaims, refreshToken: string): TokenPair {
    const access = this.accessToken(claims);
    return { accessToken: access.token, refreshToken, tokenType: 'Bearer', expiresIn: access.expiresIn };
  }
}
