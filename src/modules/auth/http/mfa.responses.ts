import { ApiProperty } from '@nestjs/swagger';
import { TokenResponse } from './token.response';

export class TotpEnrolmentResponse {
  @ApiProperty({ description: 'base32; for manual entry' })
  secret!: string;

  @ApiProperty({ example: 'otpauth://totp/Gatehouse%20(Acme):ada%40acme.example?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30' })
  otpauthUri!: string;
}

export class RecoveryCodesResponse {
  @ApiProperty({ type: [String], description: 'ten single-use codes, shown once' })
  recoveryCodes!: string[];
}

export class MfaStepResponse {
  @ApiProperty({ required: false, description: 'present when a code is needed: POST /auth/mfa/verify' })
  mfaRequired?: true;

  @ApiProperty({ required: false, description: 'present when policy requires enrolling first: POST /auth/mfa/enroll' })
  mfaEnrollmentRequired?: true;

  @ApiProperty({ description: 'single use, valid 5 minutes' })
  mfaToken!: string;
}

export class PasswordExpiredResponse {
  @ApiProperty({ description: 'the password is past the policy’s expiry: set a new one first' })
  passwordExpired!: true;

  @ApiProperty({ description: 'single use, 10 minutes: POST /auth/password/reset { token, password }' })
  passwordToken!: string;
}

export class EnrolledSignInResponse extends TokenResponse {
  @ApiProperty({ type: [String] })
  recoveryCodes!: string[];
}
