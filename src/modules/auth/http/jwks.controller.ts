import { Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, CurrentPrincipal, Public, Throttle } from '../../../shared/decorators';
import type { Principal } from '../../../shared/principal';
import { RequirePermissions } from '../../access-policy';
import { RotateSigningKeyCommand } from '../commands/rotate-signing-key/rotate-signing-key.command';
import { SigningKeys, type PublicJwk } from '../infrastructure/signing-keys';

@ApiTags('meta')
@Controller()
export class JwksController {
  constructor(
    private readonly keys: SigningKeys,
    private readonly commands: CommandBus,
  ) {}

  @Public()
  @Throttle('none')
  @Get('.well-known/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ description: 'the public keys that verify access tokens (RFC 7517)' })
  jwks(): { keys: PublicJwk[] } {
    return this.keys.jwks();
  }

  @Post('api/v1/signing-keys/rotate')
  @HttpCode(200)
  @ApiBearerAuth()
  // the permission lets a key be scoped to it; the command checks the caller's operator grant, read fresh
  @RequirePermissions('platform:operate')
  @ApiOkResponse({
    description:
      '`{ kid, retired }`: the new signing key; the previous one keeps verifying, older ones are retired (on every instance). Platform operators only: a grant held now, as an active Administrator',
  })
  rotate(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<{ kid: string; retired: string[] }> {
    return this.commands.execute(new RotateSigningKeyCommand({ ...actor, organizationId: principal.organizationId }, principal));
  }
}
