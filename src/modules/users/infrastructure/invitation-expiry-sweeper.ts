import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { EXPIRY_BATCH_SIZE, ExpireInvitationsCommand } from '../commands/expire-invitations/expire-invitations.command';

export const EXPIRY_SWEEP_INTERVAL_MS = 60_000;

/**
 * Where workers run, marks pending invitations past their expiry as expired once a minute
 * (up to EXPIRY_BATCH_SIZE a run), each with an invitation.expired event. Acceptance refuses
 * an expired link on its own; the sweep makes the state and the trail say so.
 */
@Injectable()
export class InvitationExpirySweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InvitationExpirySweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.values.appRole === 'api') return;
    this.timer = setInterval(() => {
      void this.sweep().catch((error: Error) => this.logger.warn(`invitation expiry sweep failed: ${error.message}`));
    }, EXPIRY_SWEEP_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One run now (a run already going is joined, not doubled); answers how many expired. */
  sweep(): Promise<number> {
    this.running ??= this.commands.execute(new ExpireInvitationsCommand(EXPIRY_BATCH_SIZE)).finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
