import { ApiProperty } from '@nestjs/swagger';

export class FixResponse {
  @ApiProperty({ example: 'unlock', description: 'unlock, resend_invitation, invite, reactivate, reset_mfa, send_password_reset, change_policy' })
  action!: string;

  @ApiProperty({ example: 'POST' })
  method!: string;

  @ApiProperty({ example: '/api/v1/users/4f0c…/unlock' })
  href!: string;
}

export class FindingResponse {
  @ApiProperty({
    example: 'locked',
    description:
      'account_deactivated, account_removed, invitation_pending, invitation_expired, invitation_revoked, locked, mfa_enrollment_required, mfa_enrolled, password_expired, password_not_set, sso_only, ip_restricted, ip_allowlist_applies, outside_access_window, break_glass',
  })
  code!: string;

  @ApiProperty({ description: 'keeps the user from signing in now (false: what they will meet, or may need)' })
  blocking!: boolean;

  @ApiProperty()
  message!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'e.g. until (lockout), nextOpening (window), rules' })
  details!: Record<string, unknown>;

  @ApiProperty({ type: [FixResponse] })
  fixes!: FixResponse[];
}

export class SignInDiagnosisResponse {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  canSignIn!: boolean;

  @ApiProperty({ format: 'date-time' })
  checkedAt!: string;

  @ApiProperty({ nullable: true, type: String, description: 'the address the IP allow-list was judged for (?ip=)' })
  ip!: string | null;

  @ApiProperty({ type: [FindingResponse] })
  findings!: FindingResponse[];
}
