import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '../../../shared/domain-error';
import type { RefusalObserver } from '../../../shared/problem-details.filter';
import type { GatehouseRequest } from '../../../shared/request-context';
import { RecordAccessDeniedCommand } from '../commands/record-access-denied/record-access-denied.command';

/**
 * Records as `access.denied` what a command refused after the permission guard let the
 * request in (a privilege rule: a Manager granting Administrator, a key acting beyond its
 * scopes on a record), so every denied admin action reaches the trail, not only the guard's.
 * The problem-details filter tells it of every error it answers, so a request that succeeds
 * pays nothing (an interceptor would wrap every handler of every route). The guard records
 * its own refusals and marks the requests it lets through (`permitted`): only those are
 * recorded here, so a guard's refusal is never recorded twice.
 */
@Injectable()
export class DeniedActions implements RefusalObserver {
  private readonly logger = new Logger(DeniedActions.name);

  constructor(private readonly commands: CommandBus) {}

  failed(request: GatehouseRequest, error: unknown): void {
    if (!(error instanceof DomainError) || error.kind !== 'forbidden' || !request.principal || !request.permitted) return;
    this.commands
      .execute(RecordAccessDeniedCommand.of(request, [], error.code))
      .catch((failure: Error) => this.logger.error(`access.denied not recorded: ${failure.message}`));
  }
}
