import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { PageRequest } from '../../../../shared/page-request';

export class ListTeamsRequest extends PageRequest {
  @ApiPropertyOptional({ description: 'only the teams directly under this one' })
  @IsOptional()
  @IsUUID('all', { message: 'parentId must be a team id (UUID)' })
  parentId?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'archived must be true or false' })
  archived?: boolean;
}
