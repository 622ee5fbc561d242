import type { ArgumentsHost } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import { ForbiddenError, NotFoundError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { ProblemDetailsFilter } from '../../../shared/problem-details.filter';
import type { GatehouseRequest } from '../../../shared/request-context';
import { RecordAccessDeniedCommand } from '../commands/record-access-denied/record-access-denied.command';
import { DeniedActions } from './denied-actions';

const principal: Principal = {
  userId: 'a0000000-0000-4000-8000-000000000001',
  organizationId: 'o',
  role: 'Manager',
  sessionId: 's',
  apiKeyId: null,
  scopes: null,
  issuedAt: 0,
};

function request(fields: Partial<GatehouseRequest>): GatehouseRequest {
  return { method: 'PATCH', url: '/api/v1/users/x/role', headers: {}, id: 'r', ip: '127.0.0.1', routeOptions: { url: '/api/v1/users/:id/role' }, ...fields } as unknown as GatehouseRequest;
}

function host(req: GatehouseRequest): { host: ArgumentsHost; sent: unknown[] } {
  const sent: unknown[] = [];
  const reply = { header: () => reply, status: () => reply, send: (body: unknown) => sent.push(body) };
  return { host: { switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }) } as unknown as ArgumentsHost, sent };
}

describe(DeniedActions.name, () => {
  const executed: unknown[] = [];
  const commands = { execute: async (command: unknown) => void executed.push(command) } as unknown as CommandBus;
  const filter = new ProblemDetailsFilter(new DeniedActions(commands));
  beforeEach(() => (executed.length = 0));

  it('records what a handler refused once the permission guard let the request through', () => {
    const { host: h, sent } = host(request({ principal, permitted: true }));
    filter.catch(new ForbiddenError('USERS.PRIVILEGE', 'no'), h);
    expect(sent).toEqual([expect.objectContaining({ status: 403, code: 'USERS.PRIVILEGE' })]);
    expect(executed).toHaveLength(1);
    const command = executed[0] as RecordAccessDeniedCommand;
    expect(command).toBeInstanceOf(RecordAccessDeniedCommand);
    expect(command.denied).toEqual({ userId: principal.userId, method: 'PATCH', route: '/api/v1/users/:id/role', required: [], code: 'USERS.PRIVILEGE' });
  });

  it('leaves out what a guard refused (it records its own), anonymous refusals and other errors', () => {
    filter.catch(new ForbiddenError('ACCESS.MISSING_PERMISSION'), host(request({ principal })).host);
    filter.catch(new ForbiddenError('ACCESS.IP_NOT_ALLOWED'), host(request({})).host);
    filter.catch(new NotFoundError('User'), host(request({ principal, permitted: true })).host);
    filter.catch(new Error('boom'), host(request({ principal, permitted: true })).host);
    expect(executed).toHaveLength(0);
  });
});
