import { Injectable } from '@nestjs/common';
import { LockMode } from '@mikro-orm/core';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../shared/clock';
import { IdGenerator } from '../../../shared/ids';
import { normalizeEmail, User, type UserStatus } from '../domain/user.entity';
import { PlatformOperators } from './platform-operators';

export interface SsoAccount {
  id: string;
  organizationId: string;
  role: string;
  status: UserStatus;
  email: string | null;
  passwordChangedAt: Date | null;
  createdAt: Date;
}

export type SsoRoleOutcome = 'unchanged' | 'changed' | 'kept_last_administrator';

function view(user: User): SsoAccount {
  return {
    id: user.id,
    organizationId: user.organizationId,
    role: user.role,
    status: user.status,
    email: user.email,
    passwordChangedAt: user.passwordChangedAt,
    createdAt: user.createdAt,
  };
}

/**
 * What SAML sign-in does to accounts, inside auth's transaction (the caller's CommandContext,
 * scoped to one organization by the tenant filter): find, provision, activate, re-map the role.
 */
@Injectable()
export class SsoAccounts {
  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly operators: PlatformOperators,
  ) {}

  async findById(context: CommandContext, userId: string): Promise<SsoAccount | null> {
    const user = await context.em.findOne(User, { id: userId });
    return user ? view(user) : null;
  }

  async findByEmail(context: CommandContext, email: string): Promise<SsoAccount | null> {
    const user = await context.em.findOne(User, { emailNormalized: normalizeEmail(email) });
    return user ? view(user) : null;
  }

  /** Who hears about the organization's SSO (certificate expiry): its active Administrators. */
  async administratorContacts(context: CommandContext): Promise<{ id: string; email: string }[]> {
    const administrators = await context.em.find(User, { role: 'Administrator', status: 'active' }, { orderBy: { id: 'asc' } });
    return administrators.flatMap((user) => (user.email ? [{ id: user.id, email: user.email }] : []));
  }

  provision(context: CommandContext, input: { organizationId: string; email: string; name: string | null; role: string; connectionId: string }): SsoAccount {
    const user = User.provisionFromSso({ ...input, id: this.ids.uuid(), now: this.clock.now() });
    context.em.persist(user);
    return view(user);
  }

  async activateInvited(context: CommandContext, userId: string, name: string | null, connectionId: string): Promise<void> {
    const user = await context.em.findOneOrFail(User, { id: userId });
    user.activateThroughSso(name, this.clock.now(), connectionId);
  }

  /**
   * The role the IdP's groups map to. The last active Administrator keeps the role (the
   * refusal is the caller's to record); platform-operator powers end with a demotion.
   */
  async applyRole(context: CommandContext, userId: string, role: string): Promise<SsoRoleOutcome> {
    const user = await context.em.findOneOrFail(User, { id: userId });
    if (user.role === role) return 'unchanged';
    if (user.role === 'Administrator') {
      const administrators = await context.em.find(User, { role: 'Administrator', status: 'active' }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } });
      if (user.status === 'active' && administrators.length <= 1) return 'kept_last_administrator';
    }
    user.changeRole(role, this.clock.now());
    if (role !== 'Administrator') await this.operators.end(context, user.id, 'demoted');
    return 'changed';
  }
}
