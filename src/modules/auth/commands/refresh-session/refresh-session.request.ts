import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class RefreshSessionRequest {
  @ApiProperty({ description: 'the refresh token from the last sign-in or refresh; it is spent by this call' })
  @IsString()
  @Length(10, 200)
  refreshToken!: string;
}
