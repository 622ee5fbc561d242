import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

/** A platform operator rotates the key that signs access tokens. */
export class RotateSigningKeyCommand extends Command<{ kid: string; retired: string[] }> {
  constructor(readonly actor: Actor & { organizationId: string }) {
    super();
  }
}
