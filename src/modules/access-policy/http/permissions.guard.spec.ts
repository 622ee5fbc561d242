import { Controller, Get, Post, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '../../../shared/principal';
import type { CommandBus } from '@nestjs/cqrs';
import { AbilityFactory } from '../domain/ability.factory';
import type { RoleCatalogue } from '../infrastructure/role-catalogue';
import { PermissionsGuard } from './permissions.guard';
import { ActsOnUser, RequirePermissions } from './require-permissions.decorator';

@Controller()
class Routes {
  @Get()
  undeclaredRead(): void {}

  @Get()
  @RequirePermissions('users:read')
  usersRead(): void {}

  @Post()
  @RequirePermissions('users:manage')
  @ActsOnUser('id')
  manageUser(): void {}
}

const session: Principal = {
  userId: 'a0000000-0000-4000-8000-000000000001',
  organizationId: 'o',
  role: 'Administrator',
  sessionId: 's',
  apiKeyId: null,
  scopes: null,
  issuedAt: 0,
};
const key = (scopes: string[]): Principal => ({ ...session, sessionId: null, apiKeyId: 'k', scopes });

function context(handler: keyof Routes, principal: Principal, method = 'GET', params: Record<string, string> = {}): ExecutionContext {
  const request = { principal, method, params, headers: {}, url: '/x', id: 'r' };
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe(PermissionsGuard.name, () => {
  const factory = new AbilityFactory();
  const denied: unknown[] = [];
  const roles = { abilityOf: async (_organizationId: string, role: string) => factory.forPermissions(role === 'Security Analyst' ? ['audit:read'] : []) } as unknown as RoleCatalogue;
  const commands = { execute: async (command: unknown) => void denied.push(command) } as unknown as CommandBus;
  const sut = new PermissionsGuard(new Reflector(), factory, roles, commands);

  it('fails closed for an API key on a route that declares no permission, reads included', async () => {
    await expect(sut.canActivate(context('undeclaredRead', key(['users:read'])))).rejects.toEqual(expect.objectContaining({ code: 'ACCESS.SESSION_REQUIRED' }) as Error);
    expect(await sut.canActivate(context('undeclaredRead', session))).toBe(true);
  });

  it('holds a key to its scopes', async () => {
    expect(await sut.canActivate(context('usersRead', key(['users:read'])))).toBe(true);
    await expect(sut.canActivate(context('usersRead', key(['audit:read'])))).rejects.toEqual(expect.objectContaining({ code: 'ACCESS.MISSING_PERMISSION' }) as Error);
  });

  it('refuses a key aimed at its own owner by the route’s user parameter, in any spelling', async () => {
    const manage = key(['users:manage']);
    for (const id of [session.userId, session.userId.toUpperCase()]) {
      await expect(sut.canActivate(context('manageUser', manage, 'POST', { id }))).rejects.toEqual(expect.objectContaining({ code: 'ACCESS.KEY_OWNER_TARGET' }) as Error);
    }
    expect(await sut.canActivate(context('manageUser', manage, 'POST', { id: 'b0000000-0000-4000-8000-000000000002' }))).toBe(true);
    expect(await sut.canActivate(context('manageUser', session, 'POST', { id: session.userId }))).toBe(true);
  });

  it('answers a custom role from the organization’s catalogue and records every refusal', async () => {
    const analyst = { ...session, role: 'Security Analyst' };
    denied.length = 0;
    await expect(sut.canActivate(context('usersRead', analyst))).rejects.toEqual(expect.objectContaining({ code: 'ACCESS.MISSING_PERMISSION' }) as Error);
    expect(denied).toHaveLength(1);
    expect(denied[0]).toEqual(expect.objectContaining({ denied: expect.objectContaining({ required: ['users:read'], code: 'ACCESS.MISSING_PERMISSION' }) }));
  });

  it('marks the requests it lets through, so only what their handlers refuse is recorded by DeniedActions', async () => {
    const allowed = context('usersRead', session);
    expect(await sut.canActivate(allowed)).toBe(true);
    expect(allowed.switchToHttp().getRequest<{ permitted?: boolean }>().permitted).toBe(true);
    const refused = context('usersRead', key(['audit:read']));
    await expect(sut.canActivate(refused)).rejects.toEqual(expect.objectContaining({ code: 'ACCESS.MISSING_PERMISSION' }) as Error);
    expect(refused.switchToHttp().getRequest<{ permitted?: boolean }>().permitted).toBeUndefined();
  });
});
