import { SsoAccounts } from './contracts/sso-accounts';
import { Module, type OnModuleInit } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AccessPolicyModule, AccountStanding } from '../access-policy';
import { NotificationsModule } from '../notifications';
import { UserAccountStanding } from './infrastructure/user-account-standing';
import { AcceptInvitationHandler } from './commands/accept-invitation/accept-invitation.handler';
import { UserAccounts } from './contracts/user-accounts';
import { Invitation } from './domain/invitation.entity';
import { User } from './domain/user.entity';
import { PreviewInvitationHandler } from './queries/preview-invitation/preview-invitation.handler';
import { ChangeUserRoleHandler } from './commands/change-user-role/change-user-role.handler';
import { DeactivateUserHandler } from './commands/deactivate-user/deactivate-user.handler';
import { ReactivateUserHandler } from './commands/reactivate-user/reactivate-user.handler';
import { RemoveUserHandler } from './commands/remove-user/remove-user.handler';
import { UserAdministrationController } from './http/user-administration.controller';
import { GetUserHandler } from './queries/get-user/get-user.handler';
import { ListUsersHandler } from './queries/list-users/list-users.handler';
import { RemoveAvatarHandler } from './commands/remove-avatar/remove-avatar.handler';
import { SetAvatarHandler } from './commands/set-avatar/set-avatar.handler';
import { UpdateProfileHandler } from './commands/update-profile/update-profile.handler';
import { Avatar } from './domain/avatar.entity';
import { ImageBodyParser } from './http/image-body.parser';
import { MeProfileController } from './http/me-profile.controller';
import { UserProfileController } from './http/user-profile.controller';
import { AvatarImageProcessor } from './infrastructure/avatar-image-processor';
import { GetAvatarHandler } from './queries/get-avatar/get-avatar.handler';
import { ExpireInvitationsHandler } from './commands/expire-invitations/expire-invitations.handler';
import { InvitationIssuer } from './commands/invite-user/invitation-issuer';
import { InviteUserHandler } from './commands/invite-user/invite-user.handler';
import { InviteUsersBatchHandler } from './commands/invite-users-batch/invite-users-batch.handler';
import { ResendInvitationHandler } from './commands/resend-invitation/resend-invitation.handler';
import { RevokeInvitationHandler } from './commands/revoke-invitation/revoke-invitation.handler';
import { CsvBodyParser } from './http/csv-body-parser';
import { InvitationsController } from './http/invitations.controller';
import { InvitationExpirySweeper } from './infrastructure/invitation-expiry-sweeper';
import { InvitationOutcomeNotices } from './infrastructure/invitation-outcome-notices';
import { INVITATION_OUTCOME_TEMPLATE, renderInvitationOutcome } from './infrastructure/invitation-outcome.template';
import { MailTemplates } from '../../infrastructure/mail/mail-templates';
import { InvitationMailer } from './infrastructure/invitation-mailer';
import { ListInvitationsHandler } from './queries/list-invitations/list-invitations.handler';
import { GrantPlatformOperatorHandler } from './commands/grant-platform-operator/grant-platform-operator.handler';
import { RevokePlatformOperatorHandler } from './commands/revoke-platform-operator/revoke-platform-operator.handler';
import { PlatformOperators } from './contracts/platform-operators';
import { PlatformOperatorGrant } from './domain/platform-operator-grant.entity';
import { PlatformOperatorsController } from './http/platform-operators.controller';
import { ListPlatformOperatorsHandler } from './queries/list-platform-operators/list-platform-operators.handler';

/** Issue 3's profiles: own and administrator edits, preferences, avatars. */
const PROFILES = [UpdateProfileHandler, SetAvatarHandler, RemoveAvatarHandler, GetAvatarHandler, AvatarImageProcessor, ImageBodyParser];

/** Issue 3's administration: the user list and detail, roles, and the lifecycle. */
const USER_ADMINISTRATION = [ListUsersHandler, GetUserHandler, ChangeUserRoleHandler, DeactivateUserHandler, ReactivateUserHandler, RemoveUserHandler];

/** Issue 3's invitations: invite (one or a batch), list, resend, revoke, and the expiry sweep. */
const INVITATIONS = [
  InviteUserHandler,
  InviteUsersBatchHandler,
  ResendInvitationHandler,
  RevokeInvitationHandler,
  ExpireInvitationsHandler,
  ListInvitationsHandler,
  InvitationIssuer,
  InvitationMailer,
  InvitationOutcomeNotices,
  InvitationExpirySweeper,
  CsvBodyParser,
];

/** Platform operators: explicit grants that end with the Administrator role. */
const PLATFORM_OPERATORS = [PlatformOperators, GrantPlatformOperatorHandler, RevokePlatformOperatorHandler, ListPlatformOperatorsHandler];

@Module({
  imports: [MikroOrmModule.forFeature([User, Invitation, Avatar, PlatformOperatorGrant]), AccessPolicyModule, NotificationsModule],
  controllers: [UserAdministrationController, MeProfileController, UserProfileController, InvitationsController, PlatformOperatorsController],
  providers: [
    UserAccounts,
    SsoAccounts,
    // access-policy's port, provided here and found by access-policy in the container
    UserAccountStanding,
    { provide: AccountStanding, useExisting: UserAccountStanding },
    AcceptInvitationHandler, PreviewInvitationHandler, ...USER_ADMINISTRATION, ...PROFILES, ...INVITATIONS, ...PLATFORM_OPERATORS],
  exports: [UserAccounts, SsoAccounts, PlatformOperators],
})
export class UsersModule implements OnModuleInit {
  constructor(private readonly templates: MailTemplates) {}

  onModuleInit(): void {
    this.templates.register(INVITATION_OUTCOME_TEMPLATE, renderInvitationOutcome);
  }
}
