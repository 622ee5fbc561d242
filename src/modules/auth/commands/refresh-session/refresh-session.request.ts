import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, length } from 'class-validator';
import { QUICK_CHECK } from '../../../../shared/request-validation';

const REFRESH_KEYS = new Set(['refreshToken']);

/** The body's properties when it is a plain object of strings with no property but `keys`, else undefined. */
function ownStrings(value: unknown, keys: ReadonlySet<string>): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const [key, field] of Object.entries(value)) if (!keys.has(key) || typeof field !== 'string') return undefined;
  return value as Record<string, string>;
}

/** The body, when it passes every rule of RefreshSessionRequest as the global pipe would judge it; otherwise undefined. */
export function validRefresh(value: unknown): RefreshSessionRequest | undefined {
  const body = ownStrings(value, REFRESH_KEYS);
  if (!body || !length(body.refreshToken, 10, 200)) return undefined;
  return body as unknown as RefreshSessionRequest;
}

export class RefreshSessionRequest {
  static readonly [QUICK_CHECK] = validRefresh;

  @ApiProperty({ description: 'the refresh token from the last sign-in or refresh; it is spent by this call' })
  @IsString()
  @Length(10, 200)
  refreshToken!: string;
}
