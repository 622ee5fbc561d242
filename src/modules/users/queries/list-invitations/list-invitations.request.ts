import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageRequest } from '../../../../shared/page-request';
import type { InvitationStatus } from '../../domain/invitation.entity';

const STATUSES: InvitationStatus[] = ['pending', 'accepted', 'expired', 'revoked'];

export class ListInvitationsRequest extends PageRequest {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: InvitationStatus;

}
