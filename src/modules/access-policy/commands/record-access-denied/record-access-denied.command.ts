import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import { actorOf, type GatehouseRequest } from '../../../../shared/request-context';

export interface DeniedAccess {
  userId: string;
  method: string;
  route: string;
  required: string[];
  code: string;
}

/** A refused request, recorded as `access.denied` for the security teams. */
export class RecordAccessDeniedCommand extends Command<void> {
  constructor(
    readonly organizationId: string,
    readonly actor: Actor,
    readonly denied: DeniedAccess,
  ) {
    super();
  }

  /** The refusal of an authenticated request: who, which route, what it lacked. */
  static of(request: GatehouseRequest, required: string[], code: string): RecordAccessDeniedCommand {
    const principal = request.principal!;
    const route = (request as { routeOptions?: { url?: string } }).routeOptions?.url ?? request.url.split('?')[0];
    return new RecordAccessDeniedCommand(principal.organizationId, actorOf(request), { userId: principal.userId, method: request.method, route, required, code });
  }
}
