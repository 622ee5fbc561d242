import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ALL_PERMISSIONS } from '../../domain/permissions';

export class UpdateRoleRequest {
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ example: ['audit:read', 'audit:export'], description: 'the whole new set; you must hold every permission removed or added' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsIn(ALL_PERMISSIONS, { each: true, message: 'permissions must hold catalogue permissions (GET /api/v1/permissions)' })
  permissions?: string[];
}
