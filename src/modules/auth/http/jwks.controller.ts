import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../../shared/decorators';
import { SigningKeys, type PublicJwk } from '../infrastructure/signing-keys';

@ApiTags('meta')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Public()
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ description: 'the public keys that verify access tokens (RFC 7517)' })
  jwks(): { keys: PublicJwk[] } {
    return this.keys.jwks();
  }
}
