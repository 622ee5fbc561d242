import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { EventConsumers } from '../../infrastructure/event-store/event-consumers';
import { MailTemplates } from '../../infrastructure/mail/mail-templates';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PassportModule } from '@nestjs/passport';
import { AccessPolicyModule } from '../access-policy';
import { OrganizationsModule } from '../organizations';
import { TeamsModule } from '../teams';
import { UsersModule } from '../users';
import { CreateApiKeyHandler } from './commands/create-api-key/create-api-key.handler';
import { LoginHandler } from './commands/login/login.handler';
import { AUTH_EVENTS_QUEUE, AUTH_REACTS_TO, UserEventsProcessor } from './events/user-events.processor';
import { RotateSigningKeyHandler } from './commands/rotate-signing-key/rotate-signing-key.handler';
import { AcceptInvitationAndSignInHandler } from './commands/accept-invitation/accept-invitation-and-sign-in.handler';
import { ChangePasswordHandler } from './commands/change-password/change-password.handler';
import { ConfirmChallengedEnrolmentHandler } from './commands/confirm-challenged-enrolment/confirm-challenged-enrolment.handler';
import { ConfirmTotpEnrolmentHandler } from './commands/confirm-totp-enrolment/confirm-totp-enrolment.handler';
import { DisableMfaHandler } from './commands/disable-mfa/disable-mfa.handler';
import { RegenerateRecoveryCodesHandler } from './commands/regenerate-recovery-codes/regenerate-recovery-codes.handler';
import { RequestPasswordResetHandler } from './commands/request-password-reset/request-password-reset.handler';
import { ResetPasswordHandler } from './commands/reset-password/reset-password.handler';
import { ResetUserMfaHandler } from './commands/reset-user-mfa/reset-user-mfa.handler';
import { StartChallengedEnrolmentHandler } from './commands/start-challenged-enrolment/start-challenged-enrolment.handler';
import { StartTotpEnrolmentHandler } from './commands/start-totp-enrolment/start-totp-enrolment.handler';
import { VerifyMfaChallengeHandler } from './commands/verify-mfa-challenge/verify-mfa-challenge.handler';
import { AuthChallenge } from './domain/auth-challenge.entity';
import { RecoveryCode } from './domain/recovery-code.entity';
import { UserMfa } from './domain/user-mfa.entity';
import { MeMfaController } from './http/me-mfa.controller';
import { PasswordsController } from './http/passwords.controller';
import { PasswordHistoryEntry } from './domain/password-history.entity';
import { PasswordChanger } from './infrastructure/password-changer';
import { PasswordExpiry } from './infrastructure/password-expiry';
import { PASSWORD_RESET_TEMPLATE, renderPasswordReset } from './infrastructure/password-reset.template';
import { Challenges } from './infrastructure/challenges';
import { Reverification } from './infrastructure/reverification';
import { SignInCompletion } from './infrastructure/sign-in-completion';
import { Mfa } from './infrastructure/mfa';
import { MFA_RESET_TEMPLATE, renderMfaReset } from './infrastructure/mfa-reset.template';
import { RevokeApiKeyHandler } from './commands/revoke-api-key/revoke-api-key.handler';
import { ApiKey } from './domain/api-key.entity';
import { MeApiKeysController } from './http/me-api-keys.controller';
import { ApiKeyAuthenticator } from './infrastructure/api-key-authenticator';
import { ListApiKeysHandler } from './queries/list-api-keys/list-api-keys.handler';
import { RefreshSessionHandler } from './commands/refresh-session/refresh-session.handler';
import { RevokeSessionsHandler } from './commands/revoke-sessions/revoke-sessions.handler';
import { UnlockUserHandler } from './commands/unlock-user/unlock-user.handler';
import { SpentRefreshToken } from './domain/spent-refresh-token.entity';
import { MeSessionsController } from './http/me-sessions.controller';
import { UserSignInController } from './http/user-sign-in.controller';
import { LoginThrottle } from './infrastructure/login-throttle';
import { SessionLiveness } from './infrastructure/session-liveness';
import { VerifiedTokens } from './infrastructure/verified-tokens';
import { SigningKeyRetirements } from './infrastructure/signing-key-retirements';
import { ListSessionsHandler } from './queries/list-sessions/list-sessions.handler';
import { DiagnoseSignInHandler } from './queries/diagnose-sign-in/diagnose-sign-in.handler';
import { CheckPasswordResetHandler } from './queries/check-password-reset/check-password-reset.handler';
import { Session } from './domain/session.entity';
import { AuthController } from './http/auth.controller';
import { SignInAdmissionHook } from './http/sign-in-admission.hook';
import { AuthenticationGuard } from './http/authentication.guard';
import { JwksController } from './http/jwks.controller';
import { MeController } from './http/me.controller';
import { JwtStrategy } from './infrastructure/jwt.strategy';
import { SessionStarter } from './infrastructure/session-starter';
import { SessionTokens } from './infrastructure/session-tokens';
import { SigningKeys } from './infrastructure/signing-keys';
import { TokenIssuer } from './infrastructure/token-issuer';
import { ConsumeSamlResponseHandler } from './commands/consume-saml-response/consume-saml-response.handler';
import { ExchangeSsoCodeHandler } from './commands/exchange-sso-code/exchange-sso-code.handler';
import { StartSsoLoginHandler } from './commands/start-sso-login/start-sso-login.handler';
import { SaveSamlConnectionHandler } from './commands/save-saml-connection/save-saml-connection.handler';
import { UnlinkSamlIdentityHandler } from './commands/unlink-saml-identity/unlink-saml-identity.handler';
import { SamlConnection } from './domain/sso/saml-connection.entity';
import { SamlIdentity } from './domain/sso/saml-identity.entity';
import { MeConnectedServicesController, UserConnectedServicesController } from './http/connected-services.controller';
import { SamlSettingsController } from './http/saml-settings.controller';
import { SsoController } from './http/sso.controller';
import { SamlConnections } from './infrastructure/sso/saml-connections';
import { SamlResponseValidator } from './infrastructure/sso/saml-response-validator';
import { SsoLogins } from './infrastructure/sso/sso-logins';
import { SsoState } from './infrastructure/sso/sso-state';
import { CheckSamlCertificatesHandler } from './commands/check-saml-certificates/check-saml-certificates.handler';
import { CertificateWatch } from './infrastructure/sso/certificate-watch';
import { renderCertificateExpiry, SSO_CERTIFICATE_EXPIRY_TEMPLATE } from './infrastructure/sso/certificate-expiry.template';
import { ListConnectedServicesHandler } from './queries/list-connected-services/list-connected-services.handler';

@Module({
  imports: [MikroOrmModule.forFeature([Session, SpentRefreshToken, ApiKey, UserMfa, RecoveryCode, AuthChallenge, PasswordHistoryEntry, SamlConnection, SamlIdentity]), PassportModule, AccessPolicyModule, OrganizationsModule, UsersModule, TeamsModule],
  controllers: [AuthController, MeController, MeSessionsController, MeApiKeysController, MeMfaController, PasswordsController, UserSignInController, JwksController, SsoController, SamlSettingsController, MeConnectedServicesController, UserConnectedServicesController],
  providers: [
    SigningKeys,
    TokenIssuer,
    SessionStarter,
    SessionTokens,
    SessionLiveness,
    VerifiedTokens,
    SigningKeyRetirements,
    LoginThrottle,
    ApiKeyAuthenticator,
    Mfa,
    Challenges,
    Reverification,
    SignInCompletion,
    AcceptInvitationAndSignInHandler,
    PasswordChanger,
    PasswordExpiry,
    ChangePasswordHandler,
    RequestPasswordResetHandler,
    ResetPasswordHandler,
    StartTotpEnrolmentHandler,
    ConfirmTotpEnrolmentHandler,
    DisableMfaHandler,
    RegenerateRecoveryCodesHandler,
    ResetUserMfaHandler,
    VerifyMfaChallengeHandler,
    StartChallengedEnrolmentHandler,
    ConfirmChallengedEnrolmentHandler,
    CreateApiKeyHandler,
    RevokeApiKeyHandler,
    ListApiKeysHandler,
    JwtStrategy,
    AuthenticationGuard,
    LoginHandler,
    RotateSigningKeyHandler,
    RefreshSessionHandler,
    RevokeSessionsHandler,
    UnlockUserHandler,
    ListSessionsHandler,
    DiagnoseSignInHandler,
    CheckPasswordResetHandler,
    SamlConnections,
    SamlResponseValidator,
    SsoState,
    SsoLogins,
    SaveSamlConnectionHandler,
    ConsumeSamlResponseHandler,
    ExchangeSsoCodeHandler,
    StartSsoLoginHandler,
    UnlinkSamlIdentityHandler,
    ListConnectedServicesHandler,
    CheckSamlCertificatesHandler,
    SignInAdmissionHook,
  ],
  exports: [AuthenticationGuard, SigningKeys, SignInAdmissionHook],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly templates: MailTemplates,
    private readonly consumers: EventConsumers,
  ) {}

  /** The reactions to other modules' events run only where workers run. */
  static register(options: { workers: boolean }): DynamicModule {
    return {
      module: AuthModule,
      imports: [BullModule.registerQueue({ name: AUTH_EVENTS_QUEUE })],
      providers: options.workers ? [UserEventsProcessor, CertificateWatch] : [],
    };
  }

  onModuleInit(): void {
    this.consumers.register(AUTH_EVENTS_QUEUE, AUTH_REACTS_TO);
    this.templates.register(MFA_RESET_TEMPLATE, renderMfaReset);
    this.templates.register(PASSWORD_RESET_TEMPLATE, renderPasswordReset);
    this.templates.register(SSO_CERTIFICATE_EXPIRY_TEMPLATE, renderCertificateExpiry);
  }
}
