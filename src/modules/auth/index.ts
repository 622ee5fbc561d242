export { AuthModule } from './auth.module';
export { AuthenticationGuard } from './http/authentication.guard';
export { SigningKeys } from './infrastructure/signing-keys';
export { SsoTeamMemberships, type SsoTeamSync } from './contracts/sso-team-memberships';
