import type { User, UserStatus } from '../domain/user.entity';

/** How a removed user is shown: their personal data is gone for good. */
export const REMOVED_USER_NAME = 'removed user';

export interface UserListItemView {
  id: string;
  email: string | null;
  name: string | null;
  role: string;
  status: UserStatus;
  mfaEnabled: boolean;
  lastSignInAt: string | null;
  createdAt: string;
}

export interface UserDetailView extends UserListItemView {
  phone: string | null;
  timezone: string | null;
  locale: string | null;
  teams: { id: string; name: string; lead: boolean }[];
  deactivatedAt: string | null;
  removedAt: string | null;
}

export function userListItem(user: User): UserListItemView {
  const removed = user.status === 'removed';
  return {
    id: user.id,
    email: removed ? null : user.email,
    name: removed ? REMOVED_USER_NAME : user.name,
    role: user.role,
    status: user.status,
    mfaEnabled: user.mfaEnabled,
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}

export function userDetail(user: User): UserDetailView {
  return {
    ...userListItem(user),
    phone: user.phone,
    timezone: user.timezone,
    locale: user.locale,
    // the detail query fills them in (the teams module answers through TeamDirectory)
    teams: [],
    deactivatedAt: user.deactivatedAt?.toISOString() ?? null,
    removedAt: user.removedAt?.toISOString() ?? null,
  };
}
