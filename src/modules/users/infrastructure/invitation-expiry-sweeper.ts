import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { PeriodicRun } from '../../../infrastructure/queue/periodic-run';
import { EXPIRY_BATCH_SIZE, ExpireInvitationsCommand } from '../commands/expire-invitations/expire-invitations.command';

export const EXPIRY_SWEEP_INTERVAL_MS = 60_000;

/**
 * Where workers run, marks pending invitations past their expiry as expired once a minute
 * (up to EXPIRY_BATCH_SIZE a run), each with an invitation.expired event. Acceptance refuses
 * an expired link on its own; the sweep makes the state and the trail say so.
 */
@Injectable()
export class InvitationExpirySweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly periodic = new PeriodicRun(
    'invitation expiry sweep',
    () => this.commands.execute(new ExpireInvitationsCommand(EXPIRY_BATCH_SIZE)),
    new Logger(InvitationExpirySweeper.name),
  );

  constructor(
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.values.appRole === 'api') return;
    this.periodic.start(EXPIRY_SWEEP_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  /** One run now (a run already going is joined, not doubled); answers how many expired. */
  sweep(): Promise<number> {
    return this.periodic.now();
  }
}
