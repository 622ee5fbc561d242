export { UsersModule } from './users.module';
export { PlatformOperators, type OperatorCaller } from './contracts/platform-operators';
export { UserAccounts, invitationAcceptPath, type SignInCandidate, type UserProfile } from './contracts/user-accounts';
export { AcceptInvitationCommand, type AcceptedInvitation } from './commands/accept-invitation/accept-invitation.command';
export { PreviewInvitationQuery, type InvitationPreview } from './queries/preview-invitation/preview-invitation.query';
export { ProfileResponse, toProfileResponse } from './http/profile.response';
export { SsoAccounts, type SsoAccount, type SsoRoleOutcome } from './contracts/sso-accounts';
