import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BUILT_IN_ROLES } from '../../access-policy';

const STATUSES = ['pending', 'accepted', 'expired', 'revoked'];

export class InvitationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ enum: BUILT_IN_ROLES })
  role!: string;

  @ApiProperty({ enum: STATUSES })
  status!: string;

  @ApiProperty({ format: 'date-time', description: 'the link stops working then' })
  expiresAt!: string;
}

export class InvitationListItem {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ nullable: true, type: String, description: 'null once the invited account was removed' })
  email!: string | null;

  @ApiProperty({ enum: BUILT_IN_ROLES })
  role!: string;

  @ApiProperty({ enum: STATUSES, description: 'expired also for a pending invitation past its expiry' })
  status!: string;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'the inviting user' })
  invitedBy!: string | null;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'when a new link was last sent' })
  resentAt!: string | null;
}

export class InvitationPage {
  @ApiProperty({ type: [InvitationListItem] })
  items!: InvitationListItem[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class BatchRowError {
  @ApiProperty({ example: 'INVITATIONS.INVALID_EMAIL' })
  code!: string;

  @ApiProperty({ example: 'email must be an email address' })
  message!: string;

  @ApiProperty({ nullable: true, type: String, example: 'email', description: 'the row’s field at fault' })
  field!: string | null;
}

export class BatchRowResult {
  @ApiProperty({ description: 'the row’s position from 1 (a CSV header is not a row)' })
  row!: number;

  @ApiProperty({ nullable: true, type: String })
  email!: string | null;

  @ApiProperty({ enum: ['invited', 'resent', 'error'] })
  status!: 'invited' | 'resent' | 'error';

  @ApiPropertyOptional({ format: 'uuid' })
  invitationId?: string;

  @ApiPropertyOptional({ type: BatchRowError })
  error?: BatchRowError;
}

export class BatchInvitationResponse {
  @ApiProperty({ type: [BatchRowResult] })
  results!: BatchRowResult[];
}
