import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';

export class LoginRequest {
  @ApiProperty({ example: 'default', description: 'the organization’s slug' })
  @IsString()
  @Length(1, 63)
  organization!: string;

  @ApiProperty({ example: 'admin@example.com' })
  @IsString()
  @Length(1, 254)
  email!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MaxLength(1024)
  password!: string;
}
