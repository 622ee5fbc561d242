import { Module } from '@nestjs/common';
import { AccessPolicyModule } from '../access-policy';
import { OrganizationsModule } from '../organizations';
import { UsersModule } from '../users';
import { AccountPageController } from './http/account-page.controller';
import { AssetsController } from './http/assets.controller';
import { InvitationPageController } from './http/invitation-page.controller';
import { PasswordPageController } from './http/password-page.controller';
import { SignInPageController } from './http/sign-in-page.controller';
import { SsoPageController } from './http/sso-page.controller';
import { AvatarFormParser } from './pages/avatar-form.parser';
import { PageCsrfGuard } from './pages/page-csrf.guard';
import { PageErrorFilter } from './pages/page-error.filter';
import { PageFlow } from './pages/page-flow';
import { PageRenderer } from './pages/page-renderer';
import { PageSessionHook, pageSessionRoutes } from './pages/page-session.hook';
import { PageSessions } from './pages/page-sessions';

const PAGE_CONTROLLERS = [SsoPageController, SignInPageController, InvitationPageController, PasswordPageController, AccountPageController];
// the page session reaches the page routes only: the API never accepts the cookie
PAGE_CONTROLLERS.forEach(pageSessionRoutes);

/**
 * The server-rendered pages people click. It owns no data: every change is a command of
 * the module that owns it, executed on the bus exactly as the REST controllers do.
 */
@Module({
  imports: [AccessPolicyModule, OrganizationsModule, UsersModule],
  controllers: [...PAGE_CONTROLLERS, AssetsController],
  providers: [AvatarFormParser, PageSessions, PageRenderer, PageFlow, PageCsrfGuard, PageErrorFilter, PageSessionHook],
  exports: [PageSessionHook],
})
export class WebModule {}
