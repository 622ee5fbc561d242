import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class MfaCodeRequest {
  @ApiProperty({ example: '123456', description: 'a current TOTP code, or an unused recovery code' })
  @IsString()
  @Length(6, 32)
  code!: string;
}

export class MfaChallengeRequest {
  @ApiProperty({ description: 'the mfaToken the password step answered' })
  @IsString()
  @Length(10, 200)
  mfaToken!: string;
}

export class MfaChallengeCodeRequest extends MfaChallengeRequest {
  @ApiProperty({ example: '123456' })
  @IsString()
  @Length(6, 32)
  code!: string;
}
