import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AccessPolicyModule } from '../access-policy';
import { AcceptInvitationHandler } from './commands/accept-invitation/accept-invitation.handler';
import { UserAccounts } from './contracts/user-accounts';
import { Invitation } from './domain/invitation.entity';
import { User } from './domain/user.entity';
import { PreviewInvitationHandler } from './queries/preview-invitation/preview-invitation.handler';

@Module({
  imports: [MikroOrmModule.forFeature([User, Invitation]), AccessPolicyModule],
  providers: [UserAccounts, AcceptInvitationHandler, PreviewInvitationHandler],
  exports: [UserAccounts],
})
export class UsersModule {}
