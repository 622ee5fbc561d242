import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { PeriodicRun } from '../../../infrastructure/queue/periodic-run';
import { systemActor } from '../../../shared/actor';
import { CreateCheckpointCommand } from '../commands/create-checkpoint/create-checkpoint.command';

/**
 * Signs a checkpoint of every organization whose chain moved, every
 * `audit.checkpointIntervalSeconds`, where workers run. Several workers doing it at once
 * are harmless: the command serializes on the stream head and signs a head only once.
 */
@Injectable()
export class CheckpointScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly periodic = new PeriodicRun('periodic checkpoints', () => this.runOnce(), new Logger(CheckpointScheduler.name));

  constructor(
    private readonly em: EntityManager,
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(this.config.values.audit.checkpointIntervalSeconds * 1000);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  async runOnce(): Promise<number> {
    const organizations = await this.em
      .fork()
      .getConnection()
      .execute<{ organization_id: string }[]>(
        `select s.organization_id from event_streams s
          where s.last_seq > coalesce((select max(c.seq) from audit_checkpoints c where c.organization_id = s.organization_id), 0) + 1`,
        [],
        'all',
      );
    let signed = 0;
    for (const { organization_id } of organizations) {
      if (await this.commands.execute(new CreateCheckpointCommand(systemActor(), organization_id, 'periodic'))) signed += 1;
    }
    return signed;
  }
}
