import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ChangePasswordRequest {
  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 1024)
  currentPassword!: string;

  @ApiProperty({ format: 'password', description: 'checked against the organization’s password policy and history' })
  @IsString()
  @Length(1, 1024)
  newPassword!: string;
}
