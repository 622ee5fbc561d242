import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDateString, IsOptional, IsUUID, Matches, ValidateNested } from 'class-validator';
import { ACTION } from '../set-resource-grants/set-resource-grants.request';

export class TeamGrantRequest {
  @ApiProperty()
  @IsUUID('all', { message: 'resourceId must be a resource id (UUID)' })
  resourceId!: string;

  @ApiProperty({ example: ['deploy'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(ACTION, { each: true, message: 'actions must be lower-case words (letters, digits, _ . -)' })
  actions!: string[];

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'expiresAt must be an RFC 3339 time' })
  expiresAt?: string;
}

export class SetTeamGrantsRequest {
  @ApiProperty({ type: [TeamGrantRequest], description: 'the whole new set of the team’s grants; they reach its members and the teams under it' })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => TeamGrantRequest)
  grants!: TeamGrantRequest[];
}
