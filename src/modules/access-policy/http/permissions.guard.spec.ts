import { Controller, Get, Post, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '../../../shared/principal';
import { AbilityFactory } from '../domain/ability.factory';
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
  const request = { principal, method, params };
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe(PermissionsGuard.name, () => {
  const sut = new PermissionsGuard(new Reflector(), new AbilityFactory());

  it('fails closed for an API key on a route that declares no permission, reads included', () => {
    expect(() => sut.canActivate(context('undeclaredRead', key(['users:read'])))).toThrow(expect.objectContaining({ code: 'ACCESS.SESSION_REQUIRED' }) as Error);
    expect(sut.canActivate(context('undeclaredRead', session))).toBe(true);
  });

  it('holds a key to its scopes', () => {
    expect(sut.canActivate(context('usersRead', key(['users:read'])))).toBe(true);
    expect(() => sut.canActivate(context('usersRead', key(['audit:read'])))).toThrow(expect.objectContaining({ code: 'ACCESS.MISSING_PERMISSION' }) as Error);
  });

  it('refuses a key aimed at its own owner by the route’s user parameter, in any spelling', () => {
    const manage = key(['users:manage']);
    for (const id of [session.userId, session.userId.toUpperCase()]) {
      expect(() => sut.canActivate(context('manageUser', manage, 'POST', { id }))).toThrow(expect.objectContaining({ code: 'ACCESS.KEY_OWNER_TARGET' }) as Error);
    }
    expect(sut.canActivate(context('manageUser', manage, 'POST', { id: 'b0000000-0000-4000-8000-000000000002' }))).toBe(true);
    expect(sut.canActivate(context('manageUser', session, 'POST', { id: session.userId }))).toBe(true);
  });
});
