import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsDateString, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

export const ACTION = /^[a-z][a-z0-9_.-]{0,63}$/;

export class GrantPrincipalRequest {
  @ApiProperty({ enum: ['user', 'team', 'role'] })
  @IsIn(['user', 'team', 'role'], { message: 'principal.type must be user, team or role' })
  type!: 'user' | 'team' | 'role';

  @ApiProperty({ description: 'a user or team id; for a role, a custom role’s id or name, or a built-in role’s name' })
  @IsString()
  @MaxLength(100)
  id!: string;
}

export class ResourceGrantRequest {
  @ApiProperty({ type: GrantPrincipalRequest })
  @IsObject({ message: 'principal must be an object { type, id }' })
  @ValidateNested()
  @Type(() => GrantPrincipalRequest)
  principal!: GrantPrincipalRequest;

  @ApiProperty({ example: ['deploy'], description: 'actions on this resource; `manage` is every action' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(ACTION, { each: true, message: 'actions must be lower-case words (letters, digits, _ . -)' })
  actions!: string[];

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z', description: 'the grant ends then (a later check answers expired_grant)' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'expiresAt must be an RFC 3339 time' })
  expiresAt?: string;
}

export class SetResourceGrantsRequest {
  @ApiProperty({ type: [ResourceGrantRequest], description: 'the whole new set of the resource’s grants' })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ResourceGrantRequest)
  grants!: ResourceGrantRequest[];
}
