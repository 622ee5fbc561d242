import { ApiProperty } from '@nestjs/swagger';

export class TokenResponse {
  @ApiProperty({ description: 'RS256 JWT; send as `Authorization: Bearer …`' })
  accessToken!: string;

  @ApiProperty({ description: 'opaque, single use; shown once' })
  refreshToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'seconds until the access token expires' })
  expiresIn!: number;
}
