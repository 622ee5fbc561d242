import { AbilityFactory } from './ability.factory';

describe(AbilityFactory.name, () => {
  const sut = new AbilityFactory();

  it('gives Administrators everything, including billing and audit', () => {
    expect(sut.can({ role: 'Administrator' }, 'billing:manage')).toBe(true);
    expect(sut.can({ role: 'Administrator' }, 'audit:export')).toBe(true);
  });

  it('lets Managers invite and deploy but not manage billing or read the audit trail', () => {
    expect(sut.can({ role: 'Manager' }, 'users:invite')).toBe(true);
    expect(sut.can({ role: 'Manager' }, 'applications:deploy')).toBe(true);
    expect(sut.can({ role: 'Manager' }, 'billing:manage')).toBe(false);
    expect(sut.can({ role: 'Manager' }, 'audit:read')).toBe(false);
  });

  it('keeps Viewers read-only', () => {
    expect(sut.can({ role: 'Viewer' }, 'dashboards:read')).toBe(true);
    expect(sut.can({ role: 'Viewer' }, 'users:invite')).toBe(false);
    expect(sut.can({ role: 'Viewer' }, 'users:manage')).toBe(false);
  });

  it('grants nothing to an unknown role', () => {
    expect(sut.can({ role: 'Intruder' }, 'users:read')).toBe(false);
  });
});
