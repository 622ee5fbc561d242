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

export class ForgotPasswordRequest {
  @ApiProperty({ example: 'default' })
  @IsString()
  @Length(1, 63)
  organization!: string;

  @ApiProperty({ example: 'ada@example.com' })
  @IsString()
  @Length(1, 254)
  email!: string;
}

export class ResetPasswordRequest {
  @ApiProperty({ description: 'from the reset mail, or the passwordToken of an expired-password sign-in' })
  @IsString()
  @Length(10, 200)
  token!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 1024)
  password!: string;
}
