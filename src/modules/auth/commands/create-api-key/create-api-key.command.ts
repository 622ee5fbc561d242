import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';

export interface CreatedApiKey {
  id: string;
  key: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: Date;
  createdAt: Date;
}

export class CreateApiKeyCommand extends Command<CreatedApiKey> {
  constructor(
    readonly owner: Principal,
    readonly name: string,
    readonly scopes: string[],
    readonly expiresAt: Date,
    readonly actor: Actor,
  ) {
    super();
  }
}
