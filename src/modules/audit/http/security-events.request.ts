import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageRequest } from '../../../shared/page-request';
import { ALERT_STATUSES } from '../domain/security-alert-status';
import { ALERT_SEVERITIES, SECURITY_RULE_NAMES } from '../domain/security-rules';

export class ListSecurityEventsRequest extends PageRequest {
  @ApiPropertyOptional({ enum: ALERT_SEVERITIES })
  @IsOptional()
  @IsIn(ALERT_SEVERITIES, { message: `severity must be one of ${ALERT_SEVERITIES.join(', ')}` })
  severity?: string;

  @ApiPropertyOptional({ enum: ALERT_STATUSES })
  @IsOptional()
  @IsIn(ALERT_STATUSES, { message: `status must be one of ${ALERT_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ enum: SECURITY_RULE_NAMES, description: 'the detection rule that raised the alert' })
  @IsOptional()
  @IsIn(SECURITY_RULE_NAMES, { message: `rule must be one of ${SECURITY_RULE_NAMES.join(', ')}` })
  rule?: string;
}

export class TriageSecurityEventRequest {
  @ApiPropertyOptional({ maxLength: 1000, example: 'Called the user: they mistyped their password after a reset' })
  @IsOptional()
  @IsString({ message: 'note must be a string' })
  @MaxLength(1000, { message: 'note must be at most 1000 characters' })
  note?: string;
}
