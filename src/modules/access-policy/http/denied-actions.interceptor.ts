import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { catchError, throwError, type Observable } from 'rxjs';
import { DomainError } from '../../../shared/domain-error';
import type { GatehouseRequest } from '../../../shared/request-context';
import { RecordAccessDeniedCommand } from '../commands/record-access-denied/record-access-denied.command';

/**
 * Records as `access.denied` what a command refused after the permission guard let the
 * request in (a privilege rule: a Manager granting Administrator, a key acting beyond its
 * scopes on a record), so every denied admin action reaches the trail, not only the guard's.
 * The guard records its own refusals; they never get here, as guards run before this.
 */
@Injectable()
export class DeniedActionsInterceptor implements NestInterceptor {
  private readonly logger = new Logger(DeniedActionsInterceptor.name);

  constructor(private readonly commands: CommandBus) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const request = context.switchToHttp().getRequest<GatehouseRequest>();
        if (error instanceof DomainError && error.kind === 'forbidden' && request.principal) this.record(request, error);
        return throwError(() => error);
      }),
    );
  }

  private record(request: GatehouseRequest, error: DomainError): void {
    this.commands
      .execute(RecordAccessDeniedCommand.of(request, [], error.code))
      .catch((failure: Error) => this.logger.error(`access.denied not recorded: ${failure.message}`));
  }
}
