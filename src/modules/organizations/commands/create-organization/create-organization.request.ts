import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';

export class CreateOrganizationRequest {
  @ApiProperty({ example: 'Acme Corp' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 'acme', description: 'lowercase letters, digits and dashes; used at sign-in' })
  @IsString()
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'slug must be lowercase letters, digits and dashes (1–63)' })
  slug!: string;

  @ApiProperty({ example: 'it@acme.example', description: 'the first Administrator, invited by mail' })
  @IsEmail({}, { message: 'adminEmail must be an email address' })
  @MaxLength(254)
  adminEmail!: string;
}
