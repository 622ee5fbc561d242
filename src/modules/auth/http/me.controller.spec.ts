import type { Principal } from '../../../shared/principal';
import { AbilityFactory } from '../../access-policy';
import type { UserAccounts, UserProfile } from '../../users';
import { MeController } from './me.controller';

const PROFILE: UserProfile = Object.freeze({
  id: '0b6d5c1e-8a43-4f3b-9a55-7d7c2b1f2e10',
  organizationId: '7f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  email: 'ada@example.com',
  name: 'Ada',
  role: 'Developer',
  status: 'active',
  platformOperator: false,
  createdAt: new Date('2026-01-02T03:04:05.000Z'),
  phone: '+14155550123',
  timezone: 'Europe/Paris',
  locale: 'en-GB',
  notificationPreferences: { securityAlerts: true, invitationOutcomes: false, weeklyDigest: true, productUpdates: false, inApp: { securityAlerts: true, invitationOutcomes: true } },
  lastSignInAt: new Date('2026-12-01T10:00:00.000Z'),
  mfaEnabled: true,
  avatarUrl: null,
});

const PRINCIPAL = { organizationId: PROFILE.organizationId, userId: PROFILE.id, userVersion: 'v1' } as Principal;

describe(MeController.name, () => {
  let served: UserProfile | null;
  let sut: MeController;

  beforeEach(() => {
    served = PROFILE;
    sut = new MeController({ profileAt: () => Promise.resolve(served) } as unknown as UserAccounts, new AbilityFactory());
  });

  it('answers every field of the profile, the operator flag and the role’s permissions, as JSON', async () => {
    const answer = JSON.parse(await sut.me(PRINCIPAL)) as Record<string, unknown>;
    expect(answer).toEqual({
      id: PROFILE.id,
      organizationId: PROFILE.organizationId,
      email: 'ada@example.com',
      name: 'Ada',
      role: 'Developer',
      status: 'active',
      phone: '+14155550123',
      timezone: 'Europe/Paris',
      locale: 'en-GB',
      notificationPreferences: { securityAlerts: true, invitationOutcomes: false, weeklyDigest: true, productUpdates: false, inApp: { securityAlerts: true, invitationOutcomes: true } },
      lastSignInAt: '2026-12-01T10:00:00.000Z',
      mfaEnabled: true,
      avatarUrl: null,
      createdAt: '2026-01-02T03:04:05.000Z',
      platformOperator: false,
      permissions: new AbilityFactory().permissionsOf('Developer'),
    });
    expect(answer.permissions).toContain('account:read');
  });

  it('answers the same profile with the same answer, and a changed profile with its own', async () => {
    const first = await sut.me(PRINCIPAL);
    expect(await sut.me(PRINCIPAL)).toBe(first);
    served = Object.freeze({ ...PROFILE, name: 'Ada L.', role: 'Administrator' });
    const changed = JSON.parse(await sut.me({ ...PRINCIPAL, userVersion: 'v2' })) as { name: string; permissions: string[] };
    expect(changed.name).toBe('Ada L.');
    expect(changed.permissions).toEqual(new AbilityFactory().permissionsOf('Administrator'));
  });

  it('refuses a user it cannot find with 404', async () => {
    served = null;
    await expect(sut.me(PRINCIPAL)).rejects.toMatchObject({ code: expect.stringMatching(/NOT_FOUND/) as string });
  });
});
