import { DomainError } from '../../../shared/domain-error';
import { pullEvents } from '../../../shared/domain-event';
import { Organization } from './organization.entity';

const NOW = new Date('2026-12-03T10:00:00.000Z');

function organization(): Organization {
  const created = Organization.create({ id: '00000000-0000-4000-8000-000000000001', slug: 'acme', name: 'Acme', now: NOW, createdBy: null });
  pullEvents(created);
  return created;
}

describe(Organization.name, () => {
  it('keeps audit read models forever until a retention is set', () => {
    expect(organization().auditRetentionDays).toBeNull();
  });

  it('records organization.updated with the changed fields before and after', () => {
    const sut = organization();
    expect(sut.update({ name: 'Acme Corp', auditRetentionDays: 90, slug: 'acme' }, 'admin-1', NOW)).toEqual(['name', 'auditRetentionDays']);
    expect(sut.auditRetentionDays).toBe(90);
    expect(pullEvents(sut).map((r) => r.event)).toEqual([
      {
        type: 'organization.updated',
        organizationId: sut.id,
        subject: { type: 'organization', id: sut.id },
        payload: { changed: ['name', 'auditRetentionDays'], before: { name: 'Acme', auditRetentionDays: null }, after: { name: 'Acme Corp', auditRetentionDays: 90 }, updatedBy: 'admin-1' },
      },
    ]);
    sut.update({ auditRetentionDays: null }, 'admin-1', NOW);
    expect(pullEvents(sut)[0].event.payload).toMatchObject({ before: { auditRetentionDays: 90 }, after: { auditRetentionDays: null } });
    expect(sut.auditRetentionDays).toBeNull();
  });

  it('records nothing when nothing changes', () => {
    const sut = organization();
    expect(sut.update({ name: 'Acme', auditRetentionDays: null }, null, NOW)).toEqual([]);
    expect(pullEvents(sut)).toEqual([]);
  });

  it.each([29, 3651, 45.5, -1])('refuses a retention of %p days, naming settings.auditRetentionDays', (days) => {
    const sut = organization();
    expect(() => sut.update({ auditRetentionDays: days }, null, NOW)).toThrow(DomainError);
    try {
      sut.update({ auditRetentionDays: days }, null, NOW);
    } catch (error) {
      expect((error as DomainError).fieldErrors).toEqual([{ field: 'settings.auditRetentionDays', message: expect.stringMatching(/from 30 to 3650/) }]);
    }
    expect(sut.auditRetentionDays).toBeNull();
  });
});
