import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { AUDIT_RETENTION_DAYS } from '../../domain/organization.entity';

export class OrganizationSettingsRequest {
  @ApiPropertyOptional({
    nullable: true,
    minimum: AUDIT_RETENTION_DAYS.min,
    maximum: AUDIT_RETENTION_DAYS.max,
    description:
      'days the audit read models (audit_log and the other audit views) keep an event; null keeps them forever. ' +
      'Before rows go, the chain is signed at the last event before the boundary; the event store itself is pruned only by the operator (`npm run audit:prune`).',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsInt({ message: 'auditRetentionDays must be a whole number of days, or null' })
  @Min(AUDIT_RETENTION_DAYS.min, { message: `auditRetentionDays must be at least ${AUDIT_RETENTION_DAYS.min}` })
  @Max(AUDIT_RETENTION_DAYS.max, { message: `auditRetentionDays must be at most ${AUDIT_RETENTION_DAYS.max}` })
  auditRetentionDays?: number | null;
}

export class UpdateOrganizationRequest {
  @ApiPropertyOptional({ example: 'Acme Corp' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'acme', description: 'lowercase letters, digits and dashes; used at sign-in' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'slug must be lowercase letters, digits and dashes (1–63)' })
  slug?: string;

  @ApiPropertyOptional({ type: OrganizationSettingsRequest })
  @IsOptional()
  @ValidateNested()
  @Type(() => OrganizationSettingsRequest)
  settings?: OrganizationSettingsRequest;
}
