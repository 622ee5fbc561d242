import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ALL_PERMISSIONS } from '../../domain/permissions';

export const ROLE_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

export class CreateRoleRequest {
  @ApiProperty({ example: 'Security Analyst', description: 'unique in the organization (case-insensitive), not a built-in role’s name; fixed once created' })
  @IsString()
  @Matches(ROLE_NAME, { message: 'name must be 1-64 letters, digits, spaces, dots, dashes or underscores' })
  name!: string;

  @ApiPropertyOptional({ example: 'Reads the audit trail' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({ example: ['audit:read'], description: 'catalogue permissions (GET /permissions), each one you hold yourself' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsIn(ALL_PERMISSIONS, { each: true, message: 'permissions must hold catalogue permissions (GET /api/v1/permissions)' })
  permissions!: string[];
}
