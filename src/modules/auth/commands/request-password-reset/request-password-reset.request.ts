import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

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
