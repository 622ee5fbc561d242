import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class PutTeamMemberRequest {
  @ApiPropertyOptional({ default: false, description: 'a lead runs the team’s membership and dashboard; only team managers name leads' })
  @IsOptional()
  @IsBoolean({ message: 'lead must be true or false' })
  lead?: boolean;
}
