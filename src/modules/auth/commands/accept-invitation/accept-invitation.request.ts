import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class AcceptInvitationRequest {
  @ApiProperty({ description: 'the token from the invitation link' })
  @IsString()
  @Length(20, 128)
  token!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ format: 'password', description: 'checked against the organization’s password policy' })
  @IsString()
  @Length(1, 1024)
  password!: string;
}
