import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageRequest } from '../../../../shared/page-request';
import { RESOURCE_TYPE } from '../../commands/register-resource/register-resource.request';

export class ListResourcesRequest extends PageRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(RESOURCE_TYPE, { message: 'type must be a resource type' })
  type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all', { message: 'teamId must be a team id (UUID)' })
  teamId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  externalId?: string;
}
