import type { Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { inTransaction } from '../../../infrastructure/event-store/unit-of-work';
import { PasswordHasher } from '../../../infrastructure/security/password-hasher';
import { systemActor } from '../../../shared/actor';
import { invitationAcceptPath } from '../../users';
import { CreateOrganizationCommand } from '../commands/create-organization/create-organization.command';

const BOOTSTRAP_LOCK_KEY = '7453010373645655';

export type BootstrapOutcome =
  | { created: false }
  | { created: true; organization: string; adminEmail: string; setupUrl: string | null };

/**
 * On the very first start (no organization at all), creates the bootstrap organization and
 * its first Administrator, a platform operator. Replicas starting together serialize on an
 * advisory lock, so exactly one creates it.
 */
@Injectable()
export class BootstrapService {
  constructor(
    private readonly em: EntityManager,
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
    private readonly passwords: PasswordHasher,
  ) {}

  async run(): Promise<BootstrapOutcome> {
    const em = this.em.fork();
    // not em.transactional(): its AsyncLocalStorage would turn promise hooks on for the whole process
    return inTransaction(em, async (tx) => {
      const connection = tx.getConnection();
      const trx = tx.getTransactionContext<Knex.Transaction>();
      await connection.execute('select pg_advisory_xact_lock(?)', [BOOTSTRAP_LOCK_KEY], 'run', trx);
      const [existing] = await connection.execute<{ count: string }[]>('select count(*) as count from organizations', [], 'all', trx);
      if (Number(existing.count) > 0) return { created: false } as const;
      const { organization, adminEmail, adminPassword } = this.config.values.bootstrap;
      const created = await this.commands.execute(
        new CreateOrganizationCommand(organization, organization, adminEmail, systemActor(), {
          adminPasswordHash: adminPassword ? await this.passwords.hash(adminPassword) : null,
          platformOperator: true,
          via: 'bootstrap',
          // the first start prints the link: nobody is there to receive a mail yet
          sendInvitation: false,
        }),
      );
      return {
        created: true,
        organization: created.slug,
        adminEmail,
        setupUrl: created.invitationToken
          ? `${this.config.values.publicUrl}${invitationAcceptPath(created.invitationToken)}`
          : null,
      } as const;
    });
  }
}
