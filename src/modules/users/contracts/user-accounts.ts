import { Injectable } from '@nestjs/common';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { HotReads } from '../../../infrastructure/database/hot-reads';
import { hashToken } from '../../../infrastructure/security/token-hash';
import { UserVersions } from '../../../infrastructure/security/user-versions';
import { Clock } from '../../../shared/clock';
import { NotFoundError } from '../../../shared/domain-error';
import { IdGenerator } from '../../../shared/ids';
import { Invitation } from '../domain/invitation.entity';
import { PlatformOperators } from './platform-operators';
import { normalizeEmail, User, type UserStatus } from '../domain/user.entity';
import { effectiveNotificationPreferences, wantsNotice, type NotificationChannel, type NotificationPreference, type NotificationPreferences } from '../domain/profile';

/** A user's latest invitation as the sign-in diagnosis reads it (`expired` also when its time ran out unswept). */
export interface InvitationState {
  id: string;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  expiresAt: Date;
}

/** Where an invitation link points: the page that shows the invitation and accepts it. */
export function invitationAcceptPath(token: string): string {
  return `/invitations/${token}`;
}

export interface SignInCandidate {
  id: string;
  organizationId: string;
  role: string;
  status: UserStatus;
  passwordHash: string | null;
  passwordChangedAt: Date | null;
  createdAt: Date;
}

/** What a credential's holder is now: enough to let a session go on and to name its role. */
export interface UserStanding {
  id: string;
  organizationId: string;
  role: string;
  status: UserStatus;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const MAX_CACHED_PROFILES = 10_000;
/** A bound on what a lost version change (Redis unreachable just after a commit) can leave stale. */
const PROFILE_MAX_AGE_MS = 60_000;

interface ProfileRow {
  id: string;
  organization_id: string;
  email: string | null;
  name: string | null;
  role: string;
  status: UserStatus;
  platform_operator: boolean;
  created_at: Date;
  phone: string | null;
  timezone: string | null;
  locale: string | null;
  notification_preferences: Record<string, unknown> | null;
  last_sign_in_at: Date | null;
  mfa_enabled: boolean;
  avatar_updated_at: Date | null;
}

/** Where a user's picture is served; the version makes a changed picture a new URL. */
export function avatarPath(userId: string, updatedAt: Date): string {
  return `/api/v1/users/${userId}/avatar?v=${updatedAt.getTime()}`;
}

/** The profile of a loaded account, with what the entity does not hold (its operator grant, its avatar's version). */
export function profileOf(user: User, extras: { platformOperator: boolean; avatarUpdatedAt: Date | null }): UserProfile {
  return {
    id: user.id,
    organizationId: user.organizationId,
    email: user.email,
    name: user.name,
    role: user.role,
    status: user.status,
    platformOperator: extras.platformOperator,
    createdAt: user.createdAt,
    phone: user.phone,
    timezone: user.timezone,
    locale: user.locale,
    notificationPreferences: effectiveNotificationPreferences(user.notificationPreferences),
    lastSignInAt: user.lastSignInAt,
    mfaEnabled: user.mfaEnabled,
    avatarUrl: extras.avatarUpdatedAt ? avatarPath(user.id, extras.avatarUpdatedAt) : null,
  };
}

export interface UserProfile {
  id: string;
  organizationId: string;
  email: string | null;
  name: string | null;
  role: string;
  status: UserStatus;
  platformOperator: boolean;
  createdAt: Date;
  phone: string | null;
  timezone: string | null;
  locale: string | null;
  notificationPreferences: NotificationPreferences;
  lastSignInAt: Date | null;
  mfaEnabled: boolean;
  avatarUrl: string | null;
}

/**
 * What other modules may ask of or do to accounts. Writes take the caller's CommandContext,
 * so they join the caller's transaction and its events.
 */
@Injectable()
export class UserAccounts {
  private readonly profiles = new Map<string, { version: string; profile: UserProfile; at: number }>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly operators: PlatformOperators,
    private readonly hot: HotReads,
    private readonly versions: UserVersions,
  ) {}

  /**
   * An organization's first Administrator: active with a password, otherwise invited with a
   * one-time link token (returned once, stored hashed); a platform operator when asked (the
   * bootstrap Administrator), by a grant that ends with the role.
   */
  registerAdministrator(
    context: CommandContext,
    input: { organizationId: string; email: string; passwordHash: string | null; platformOperator: boolean; invitedBy: string | null; via: string },
  ): { userId: string; invitationToken: string | null; invitationExpiresAt: Date | null } {
    const now = this.clock.now();
    const user = User.register({
      id: this.ids.uuid(),
      organizationId: input.organizationId,
      email: input.email,
      role: 'Administrator',
      passwordHash: input.passwordHash,
      now,
      via: input.via,
    });
    context.em.persist(user);
    if (input.platformOperator) {
      this.operators.grant(context, { organizationId: input.organizationId, userId: user.id, grantedBy: input.invitedBy, via: input.via });
    }
    if (input.passwordHash) return { userId: user.id, invitationToken: null, invitationExpiresAt: null };
    const token = this.ids.secret(32);
    const invitation = Invitation.issue({
        id: this.ids.uuid(),
        organizationId: input.organizationId,
        userId: user.id,
        emailNormalized: normalizeEmail(input.email),
        role: 'Administrator',
        tokenHash: hashToken(token),
        invitedBy: input.invitedBy,
        now,
      });
    context.em.persist(invitation);
    return { userId: user.id, invitationToken: token, invitationExpiresAt: invitation.expiresAt };
  }

  /** On every password sign-in: one prepared statement on the pool, no unit of work, scoped by hand. */
  async findForSignIn(organizationId: string, email: string): Promise<SignInCandidate | null> {
    if (!UUID.test(organizationId)) return null;
    const [row] = await this.hot.rows<{
      id: string;
      organization_id: string;
      role: string;
      status: UserStatus;
      password_hash: string | null;
      password_changed_at: Date | null;
      created_at: Date;
    }>(
      'users.for_sign_in',
      `select id, organization_id, role, status, password_hash, password_changed_at, created_at
         from users where organization_id = $1 and email_normalized = $2`,
      [organizationId, normalizeEmail(email)],
    );
    return row
      ? {
          id: row.id,
          organizationId: row.organization_id,
          role: row.role,
          status: row.status,
          passwordHash: row.password_hash,
          passwordChangedAt: row.password_changed_at,
          createdAt: row.created_at,
        }
      : null;
  }

  /** The user's most recent invitation, or null when they never had one (e.g. the bootstrap Administrator). */
  async latestInvitation(organizationId: string, userId: string): Promise<InvitationState | null> {
    const invitation = await this.uow.reader(organizationId).findOne(Invitation, { userId }, { orderBy: { createdAt: 'desc' } });
    if (!invitation) return null;
    const unusable = invitation.unusableReason(this.clock.now());
    return { id: invitation.id, status: unusable ?? 'pending', expiresAt: invitation.expiresAt };
  }

  /** The account's current password hash (for re-authentication and the history check). */
  async passwordHashOf(organizationId: string, userId: string): Promise<string | null> {
    const user = await this.uow.reader(organizationId).findOne(User, { id: userId }, { populate: ['passwordHash'] });
    return user?.passwordHash ?? null;
  }

  /** Notes a sign-in on the account, inside the transaction that records the sign-in's event. */
  async recordSignIn(context: CommandContext, user: { id: string; organizationId: string }): Promise<void> {
    // a plain update, not the versioned entity: two sign-ins of one user at once must not
    // conflict; written as SQL (what nativeUpdate sent, version bump included), prepared on the
    // transaction's connection: it is on every sign-in's path
    await context.statement(
      'users.record_sign_in',
      'update users set last_sign_in_at = $1, version = version + 1 where organization_id = $2 and id = $3',
      [this.clock.now(), user.organizationId, user.id],
    );
  }

  /** Notes whether the account has a second factor, inside the transaction of the MFA change's event. */
  async setMfaEnabled(em: EntityManager, userId: string, enabled: boolean): Promise<void> {
    await em.nativeUpdate(User, { id: userId }, { mfaEnabled: enabled });
  }

  /** Sets a new password inside the caller's transaction; records user.password_changed. */
  async setPassword(context: CommandContext, userId: string, passwordHash: string, via: 'change' | 'reset' | 'expired'): Promise<void> {
    const user = await context.em.findOne(User, { id: userId });
    if (!user || user.status !== 'active') throw new NotFoundError('User');
    user.changePassword(passwordHash, this.clock.now(), via);
  }

  /** The organization's active Administrators and their addresses: whom an operational alarm goes to. */
  async activeAdministrators(organizationId: string): Promise<{ id: string; email: string }[]> {
    return this.uow
      .reader(organizationId)
      .getConnection()
      .execute<{ id: string; email: string }[]>(
        `select id, email from users where organization_id = ? and role = 'Administrator' and status = 'active' and email is not null`,
        [organizationId],
        'all',
      );
  }

  /**
   * The active Administrators who want a kind of mail (their notification preferences, the
   * defaults where they chose nothing): whom the security detector's alerts go to. `within`:
   * read on the caller's transaction, which then needs no second connection from the pool.
   */
  async administratorsWanting(
    organizationId: string,
    preference: NotificationPreference,
    within?: EntityManager,
    channel: NotificationChannel = 'email',
  ): Promise<{ id: string; email: string }[]> {
    const wanting = await this.usersWanting(organizationId, preference, { within, role: 'Administrator', channel });
    return wanting.map(({ id, email }) => ({ id, email }));
  }

  /**
   * The active users with an address who want a kind of notice on a channel (`email`, the
   * default, or `inApp`), with their roles: whom a weekly digest goes to; of one `role`, or
   * `among` some users (the senders of invitations), when given.
   */
  async usersWanting(
    organizationId: string,
    preference: NotificationPreference,
    { channel = 'email', ...which }: { within?: EntityManager; role?: string; among?: readonly string[]; channel?: NotificationChannel } = {},
  ): Promise<{ id: string; email: string; role: string }[]> {
    const users = await this.activeUsersReached(organizationId, which);
    return users.filter((user) => wantsNotice(user.preferences, preference, channel)).map(({ id, email, role }) => ({ id, email, role }));
  }

  /**
   * The active users with an address, with their roles and notification preferences: for a
   * caller that tells them on more than one channel with one read (usersWanting for one).
   */
  async activeUsersReached(
    organizationId: string,
    { within, role, among }: { within?: EntityManager; role?: string; among?: readonly string[] } = {},
  ): Promise<{ id: string; email: string; role: string; preferences: NotificationPreferences }[]> {
    if (among && !among.length) return [];
    const em = within ?? this.uow.reader(organizationId);
    const conditions = [...(role ? ['role = ?'] : []), ...(among ? [`id in (${among.map(() => '?').join(', ')})`] : [])];
    const rows = await em
      .getConnection()
      .execute<{ id: string; email: string; role: string; notification_preferences: Record<string, unknown> | null }[]>(
        `select id, email, role, notification_preferences from users
          where organization_id = ? and status = 'active' and email is not null ${conditions.map((condition) => `and ${condition} `).join('')}order by id`,
        [organizationId, ...(role ? [role] : []), ...(among ?? [])],
        'all',
        within?.getTransactionContext<Knex.Transaction>(),
      );
    return rows.map(({ id, email, role: held, notification_preferences }) => ({ id, email, role: held, preferences: effectiveNotificationPreferences(notification_preferences) }));
  }

  /** Role and status of the given accounts (a team overview); unknown ids are left out. */
  async summariesOf(organizationId: string, userIds: readonly string[]): Promise<{ id: string; role: string; status: UserStatus }[]> {
    const ids = userIds.filter((id) => UUID.test(id));
    if (!ids.length) return [];
    // a prepared statement on the pool: the security detector asks it in every sign-in's pass
    return this.hot.rows<{ id: string; role: string; status: UserStatus }>(
      'users.summaries',
      'select id, role, status from users where organization_id = $1 and id = any($2::uuid[])',
      [organizationId, ids],
    );
  }

  /** Pending invitations whose invitee joins the team on accepting. */
  async pendingInvitationsInto(organizationId: string, teamId: string): Promise<number> {
    const [row] = await this.uow
      .reader(organizationId)
      .getConnection()
      .execute<{ count: string }[]>(
        "select count(*) as count from invitations where organization_id = ? and status = 'pending' and team_ids @> ?::jsonb",
        [organizationId, JSON.stringify([teamId])],
        'all',
      );
    return Number(row.count);
  }

  /**
   * The profile as of the user's version `version` (UserVersions, read by the caller in the
   * round trip that checked the credential): from memory while the version is the one it was
   * read at, otherwise read and kept. Every committed change to the user changes the version,
   * on every instance at once. Without a version (none yet, or Redis unreachable) one is set
   * first, so the read can be kept; when Redis cannot answer, the database always does.
   * The profile answered may be shared: callers must not change it.
   */
  async profileAt(organizationId: string, userId: string, version: string | null | undefined): Promise<UserProfile | null> {
    const key = `${organizationId}:${userId.toLowerCase()}`;
    const now = this.clock.now().getTime();
    const cached = this.profiles.get(key);
    if (version && cached && cached.version === version && now - cached.at < PROFILE_MAX_AGE_MS) return cached.profile;
    // the version is settled before the read: a change committed after it changes it again
    const current = version ?? (await this.versions.establish(userId));
    const profile = await this.findProfile(organizationId, userId);
    if (!current || !profile) {
      this.profiles.delete(key);
      return profile;
    }
    this.profiles.delete(key);
    if (this.profiles.size >= MAX_CACHED_PROFILES) this.profiles.delete(this.profiles.keys().next().value as string);
    this.profiles.set(key, { version: current, profile: Object.freeze(profile), at: now });
    return profile;
  }

  /**
   * The user's role and status as committed now, for a session going on (a refresh): one
   * prepared statement of four columns on the pool, scoped by hand; never from a cache.
   */
  async standing(organizationId: string, userId: string): Promise<UserStanding | null> {
    const [row] = await this.hot.rows<{ id: string; organization_id: string; role: string; status: UserStatus }>(
      'users.standing',
      'select id, organization_id, role, status from users where organization_id = $1 and id = $2',
      [organizationId, userId],
    );
    return row ? { id: row.id, organizationId: row.organization_id, role: row.role, status: row.status } : null;
  }

  /**
   * On the hot path of every API-key request and of /me: one prepared statement on the pool,
   * off the ORM's unit of work (STACK.md measured it 5-8x cheaper), scoped by hand.
   */
  async findProfile(organizationId: string, userId: string): Promise<UserProfile | null> {
    if (!UUID.test(userId) || !UUID.test(organizationId)) return null;
    const [row] = await this.hot.rows<ProfileRow>(
      'users.profile',
      `select u.id, u.organization_id, u.email, u.name, u.role, u.status, u.created_at,
              exists (select 1 from platform_operator_grants g where g.user_id = u.id) as platform_operator,
              u.phone, u.timezone, u.locale, u.notification_preferences, u.last_sign_in_at, u.mfa_enabled,
              a.updated_at as avatar_updated_at
         from users u left join avatars a on a.user_id = u.id and a.organization_id = u.organization_id
        where u.organization_id = $1 and u.id = $2`,
      [organizationId, userId],
    );
    return row
      ? {
          id: row.id,
          organizationId: row.organization_id,
          email: row.email,
          name: row.name,
          role: row.role,
          status: row.status,
          platformOperator: row.platform_operator,
          createdAt: row.created_at,
          phone: row.phone,
          timezone: row.timezone,
          locale: row.locale,
          notificationPreferences: effectiveNotificationPreferences(row.notification_preferences),
          lastSignInAt: row.last_sign_in_at,
          mfaEnabled: row.mfa_enabled,
          avatarUrl: row.avatar_updated_at ? avatarPath(row.id, row.avatar_updated_at) : null,
        }
      : null;
  }
}
