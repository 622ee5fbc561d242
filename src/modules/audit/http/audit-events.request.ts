import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../shared/pagination';

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

export class ListAuditEventsRequest extends TimeRangeRequest {
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

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ default: DEFAULT_PAGE_SIZE, maximum: MAX_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;
}

export class ExportRequest extends TimeRangeRequest {
  @ApiPropertyOptional({ enum: ['ndjson', 'csv'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format: 'ndjson' | 'csv' = 'ndjson';
}
