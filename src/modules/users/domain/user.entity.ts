import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';
import { DomainError } from '../../../shared/domain-error';
import { recordEvent } from '../../../shared/domain-event';
import { InvalidTransitionError } from './invalid-transition.error';
import { applyNotificationChanges, effectiveNotificationPreferences, type ProfileChanges, type ProfileField } from './profile';

export type UserStatus = 'invited' | 'active' | 'deactivated' | 'removed';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A person's account in one organization. Events carry its id, never its personal data. */
@Entity({ tableName: 'users' })
@TenantOwned()
export class User {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'text', nullable: true })
  email!: string | null;

  @Property({ type: 'text', nullable: true })
  emailNormalized!: string | null;

  @Property({ type: 'text', nullable: true })
  name!: string | null;

  @Property({ type: 'text', nullable: true, lazy: true })
  passwordHash!: string | null;

  @Property({ type: 'Date', nullable: true })
  passwordChangedAt!: Date | null;

  @Property({ type: 'text', nullable: true })
  phone: string | null = null;

  @Property({ type: 'text', nullable: true })
  timezone: string | null = null;

  @Property({ type: 'text', nullable: true })
  locale: string | null = null;

  @Property({ type: 'json' })
  notificationPreferences: Record<string, unknown> & Opt = {};

  /** Kept by sign-in (the auth.login_succeeded event of the same transaction records it). */
  @Property({ type: 'Date', nullable: true })
  lastSignInAt: Date | null = null;

  /** Kept by the MFA commands of auth, in their transactions, with their events. */
  @Property({ type: 'boolean' })
  mfaEnabled: boolean & Opt = false;

  @Property({ type: 'Date', nullable: true })
  deactivatedAt: Date | null = null;

  @Property({ type: 'Date', nullable: true })
  removedAt: Date | null = null;

  @Property({ type: 'text' })
  role!: string;

  @Property({ type: 'text' })
  status!: UserStatus;

  @Property({ type: 'integer', version: true })
  version!: number & Opt;

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'Date' })
  updatedAt!: Date;

  /** A new account: active when it comes with a password, otherwise invited. */
  static register(input: {
    id: string;
    organizationId: string;
    email: string;
    role: string;
    passwordHash: string | null;
    now: Date;
    via: string;
  }): User {
    const user = new User();
    user.id = input.id;
    user.organizationId = input.organizationId;
    user.email = input.email.trim();
    user.emailNormalized = normalizeEmail(input.email);
    user.name = null;
    user.passwordHash = input.passwordHash;
    user.passwordChangedAt = input.passwordHash ? input.now : null;
    user.role = input.role;
    user.status = input.passwordHash ? 'active' : 'invited';
    user.createdAt = input.now;
    user.updatedAt = input.now;
    recordEvent(user, {
      type: 'user.created',
      organizationId: user.organizationId,
      subject: { type: 'user', id: user.id },
      payload: { role: user.role, status: user.status, via: input.via },
    });
    return user;
  }

  /** An account made on first sign-in through the organization's IdP: active, with no password. */
  static provisionFromSso(input: { id: string; organizationId: string; email: string; name: string | null; role: string; now: Date; connectionId: string }): User {
    const user = new User();
    user.id = input.id;
    user.organizationId = input.organizationId;
    user.email = input.email.trim();
    user.emailNormalized = normalizeEmail(input.email);
    user.name = input.name;
    user.passwordHash = null;
    user.passwordChangedAt = null;
    user.role = input.role;
    user.status = 'active';
    user.createdAt = input.now;
    user.updatedAt = input.now;
    recordEvent(user, {
      type: 'user.created',
      organizationId: user.organizationId,
      subject: { type: 'user', id: user.id },
      payload: { role: user.role, status: user.status, via: 'sso', connectionId: input.connectionId },
    });
    return user;
  }

  /** An invited account whose owner signed in through the organization's IdP: active, no password set. */
  activateThroughSso(name: string | null, now: Date, connectionId: string): void {
    if (this.status !== 'invited') {
      throw new DomainError('USERS.NOT_INVITED', 'conflict', 'This account is not waiting for an invitation to be accepted');
    }
    if (name && !this.name) this.name = name;
    this.status = 'active';
    this.updatedAt = now;
    recordEvent(this, {
      type: 'user.activated',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.id },
      payload: { via: 'sso', connectionId },
    });
  }

  /** The invitee sets a name and password and the account becomes active. */
  activate(name: string, passwordHash: string, now: Date): void {
    if (this.status !== 'invited') {
      throw new DomainError('USERS.NOT_INVITED', 'conflict', 'This account is not waiting for an invitation to be accepted');
    }
    this.name = name.trim();
    this.passwordHash = passwordHash;
    this.passwordChangedAt = now;
    this.status = 'active';
    this.updatedAt = now;
    recordEvent(this, {
      type: 'user.activated',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.id },
      payload: {},
    });
  }

  /** A new password (the caller has checked it against the policy and the history). */
  changePassword(passwordHash: string, now: Date, via: 'change' | 'reset' | 'expired'): void {
    this.passwordHash = passwordHash;
    this.passwordChangedAt = now;
    this.updatedAt = now;
    recordEvent(this, {
      type: 'user.password_changed',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.id },
      payload: { via },
    });
  }

  /**
   * Applies a validated profile change. Only what differs is changed; the event names the
   * changed fields, never their values. Returns those names (none: nothing to save).
   */
  updateProfile(changes: ProfileChanges, now: Date): ProfileField[] {
    const changed: ProfileField[] = [];
    if (changes.name !== undefined && changes.name !== this.name) {
      this.name = changes.name;
      changed.push('name');
    }
    if (changes.phone !== undefined && changes.phone !== this.phone) {
      this.phone = changes.phone;
      changed.push('phone');
    }
    if (changes.timezone !== undefined && changes.timezone !== this.timezone) {
      this.timezone = changes.timezone;
      changed.push('timezone');
    }
    if (changes.locale !== undefined && changes.locale !== this.locale) {
      this.locale = changes.locale;
      changed.push('locale');
    }
    if (changes.notificationPreferences) {
      const { after, changed: moved } = applyNotificationChanges(effectiveNotificationPreferences(this.notificationPreferences), changes.notificationPreferences);
      if (moved) {
        this.notificationPreferences = after;
        changed.push('notificationPreferences');
      }
    }
    if (!changed.length) return changed;
    this.updatedAt = now;
    recordEvent(this, {
      type: 'user.profile_updated',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.id },
      payload: { fields: changed },
    });
    return changed;
  }

  /** A new picture was stored for the account (the event carries no image data). */
  avatarChanged(contentType: string, now: Date): void {
    this.updatedAt = now;
    recordEvent(this, {
      type: 'user.avatar_updated',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.id },
      payload: { contentType },
    });
  }

  /** The account's picture was removed. */
  avatarRemoved(now: Date): void {
    this.updatedAt = now;
    recordEvent(this, {
      type: 'user.avatar_removed',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.id },
      payload: {},
    });
  }

  /** A new role; the caller has applied the privilege rules (privileges.ts). The same role changes nothing. */
  changeRole(to: string, now: Date): void {
    if (this.status === 'removed') throw new InvalidTransitionError(this.status, 'given a role');
    if (this.role === to) return;
    const from = this.role;
    this.role = to;
    this.updatedAt = now;
    recordEvent(this, {
      type: 'user.role_changed',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.id },
      payload: { from, to },
    });
  }

  /** An active account stops signing in; its data stays until it is reactivated or removed. */
  deactivate(now: Date): void {
    if (this.status !== 'active') throw new InvalidTransitionError(this.status, 'deactivated');
    this.status = 'deactivated';
    this.deactivatedAt = now;
    this.updatedAt = now;
    recordEvent(this, {
      type: 'user.deactivated',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.id },
      payload: {},
    });
  }

  reactivate(now: Date): void {
    if (this.status !== 'deactivated') throw new InvalidTransitionError(this.status, 'reactivated');
    this.status = 'active';
    this.deactivatedAt = null;
    this.updatedAt = now;
    recordEvent(this, {
      type: 'user.reactivated',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.id },
      payload: {},
    });
  }

  /**
   * Removal for good: the personal data on the account is erased (not recoverable) and only
   * the id, role and timestamps remain, so the audit trail still names "removed user".
   */
  remove(now: Date): void {
    if (this.status === 'removed') throw new InvalidTransitionError(this.status, 'removed');
    this.email = null;
    this.emailNormalized = null;
    this.name = null;
    this.phone = null;
    this.timezone = null;
    this.locale = null;
    this.notificationPreferences = {};
    this.passwordHash = null;
    this.passwordChangedAt = null;
    this.status = 'removed';
    this.removedAt = now;
    this.updatedAt = now;
    recordEvent(this, {
      type: 'user.removed',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.id },
      payload: {},
    });
  }
}
