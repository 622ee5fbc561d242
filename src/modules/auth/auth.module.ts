import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PassportModule } from '@nestjs/passport';
import { AccessPolicyModule } from '../access-policy';
import { OrganizationsModule } from '../organizations';
import { UsersModule } from '../users';
import { LoginHandler } from './commands/login/login.handler';
import { Session } from './domain/session.entity';
import { AuthController } from './http/auth.controller';
import { AuthenticationGuard } from './http/authentication.guard';
import { JwksController } from './http/jwks.controller';
import { MeController } from './http/me.controller';
import { JwtStrategy } from './infrastructure/jwt.strategy';
import { SessionStarter } from './infrastructure/session-starter';
import { SigningKeys } from './infrastructure/signing-keys';
import { TokenIssuer } from './infrastructure/token-issuer';

@Module({
  imports: [MikroOrmModule.forFeature([Session]), PassportModule, AccessPolicyModule, OrganizationsModule, UsersModule],
  controllers: [AuthController, MeController, JwksController],
  providers: [SigningKeys, TokenIssuer, SessionStarter, JwtStrategy, AuthenticationGuard, LoginHandler],
  exports: [AuthenticationGuard, SigningKeys],
})
export class AuthModule {}
