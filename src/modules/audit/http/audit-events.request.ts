import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageRequest } from '../../../shared/page-request';

export class TimeRangeRequest {
  @ApiPropertyOptional({ format: 'date-time', description: 'inclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an RFC 3339 date-time' })
  from?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'exclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an RFC 3339 date-time' })
  to?: Date;
}

export class ListAuditEventsRequest extends IntersectionType(TimeRangeRequest, PageRequest) {
  @ApiPropertyOptional({ example: 'auth.login_failed', description: 'an event type, or a prefix such as `auth.*`' })
  @IsOptional()
  @Matches(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, { message: 'type must be an event type such as auth.login_failed or auth.*' })
  type?: string;

  @ApiPropertyOptional({ description: 'the acting user’s or API key’s id' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor?: string;

  @ApiPropertyOptional({ description: 'the subject’s id (a user, an invitation, …)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  subject?: string;

  @ApiPropertyOptional({ description: 'a team’s id: events about the team, or by or about its current members' })
  @IsOptional()
  @IsUUID('all', { message: 'team must be a team id (UUID)' })
  team?: string;

}

export class ExportRequest extends TimeRangeRequest {
  @ApiPropertyOptional({ enum: ['ndjson', 'csv'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format: 'ndjson' | 'csv' = 'ndjson';
}
