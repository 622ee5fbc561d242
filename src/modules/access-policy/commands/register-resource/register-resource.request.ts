import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

export const RESOURCE_TYPE = /^[a-z][a-z0-9_-]{0,63}$/;

export class RegisterResourceRequest {
  @ApiProperty({ example: 'application', description: 'lower-case singular type; catalogue permissions `<type>s:<action>` cover every resource of it' })
  @IsString()
  @Matches(RESOURCE_TYPE, { message: 'type must be 1-64 lower-case letters, digits, dashes or underscores, starting with a letter' })
  type!: string;

  @ApiProperty({ example: 'app-42', description: 'the calling service’s own id; unique per type' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalId!: string;

  @ApiProperty({ example: 'Billing API' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ description: 'the owning team' })
  @IsOptional()
  @IsUUID('all', { message: 'teamId must be a team id (UUID)' })
  teamId?: string;
}
