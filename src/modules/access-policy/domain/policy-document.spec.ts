import { DomainError } from '../../../shared/domain-error';
import { parsePolicyDocument } from './policy-document';

function fieldsOf(input: unknown): string[] {
  try {
    parsePolicyDocument(input);
    return [];
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return error.fieldErrors.map((e) => e.field).sort();
  }
}

describe(parsePolicyDocument.name, () => {
  it('defaults the where-and-when sections to no restriction', () => {
    expect(parsePolicyDocument({})).toMatchObject({ ipAllowlist: [], accessWindows: [], breakGlassUsers: [], ssoOnly: false });
  });

  it('takes allow-list entries, windows and break-glass users, normalized', () => {
    const document = parsePolicyDocument({
      ipAllowlist: [{ cidr: '203.0.113.0/24' }, { cidr: '2001:DB8::1', roles: ['Administrator', 'Administrator'] }],
      accessWindows: [{ roles: ['Developer'], timezone: 'Europe/Berlin', days: [5, 1, 1], start: '22:00', end: '06:00' }],
      breakGlassUsers: ['AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA'],
      ssoOnly: true,
    });
    expect(document.ipAllowlist).toEqual([{ cidr: '203.0.113.0/24' }, { cidr: '2001:db8::1/128', roles: ['Administrator'] }]);
    expect(document.accessWindows).toEqual([{ roles: ['Developer'], timezone: 'Europe/Berlin', days: [1, 5], start: '22:00', end: '06:00' }]);
    expect(document.breakGlassUsers).toEqual(['aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa']);
    expect(document.ssoOnly).toBe(true);
  });

  it('names every bad field of the new sections', () => {
    expect(
      fieldsOf({
        ipAllowlist: [{ cidr: '10.0.0.0/33' }, { cidr: '10.0.0.0/8', roles: [] }, 'x'],
        accessWindows: [{ timezone: 'Mars/Olympus', days: [0, 8], start: '25:00', end: '6pm', users: ['not-a-uuid'] }, { timezone: 'UTC', days: [1], start: '09:00', end: '09:00' }],
        breakGlassUsers: 'everyone',
        ssoOnly: 'yes',
      }),
    ).toEqual(
      [
        'ipAllowlist[0].cidr',
        'ipAllowlist[1].roles',
        'ipAllowlist[2]',
        'ipAllowlist[2].cidr',
        'accessWindows[0].users',
        'accessWindows[0].timezone',
        'accessWindows[0].days',
        'accessWindows[0].start',
        'accessWindows[0].end',
        'accessWindows[1].end',
        'breakGlassUsers',
        'ssoOnly',
      ].sort(),
    );
  });
});
