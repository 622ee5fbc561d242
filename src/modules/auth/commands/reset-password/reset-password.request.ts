import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

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
