import { DomainError } from '../../../shared/domain-error';
import { assertMayInvite, checkInvitee } from './invitation-rules';

/** The DomainError `act` throws (fails the test when it throws none). */
function refusal(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe(assertMayInvite.name, () => {
  it('lets an Administrator invite into every built-in role', () => {
    for (const role of ['Administrator', 'Manager', 'Developer', 'Viewer']) expect(() => assertMayInvite('Administrator', role)).not.toThrow();
  });

  it('lets a Manager invite only Developers and Viewers', () => {
    expect(() => assertMayInvite('Manager', 'Developer')).not.toThrow();
    expect(() => assertMayInvite('Manager', 'Viewer')).not.toThrow();
    for (const role of ['Administrator', 'Manager']) {
      expect(refusal(() => assertMayInvite('Manager', role))).toMatchObject({ code: 'INVITATIONS.ROLE_NOT_ASSIGNABLE', kind: 'forbidden' });
    }
  });

  it('lets nobody else invite', () => {
    expect(refusal(() => assertMayInvite('Viewer', 'Viewer'))).toMatchObject({ kind: 'forbidden' });
    expect(refusal(() => assertMayInvite('Some custom role', 'Viewer'))).toMatchObject({ kind: 'forbidden' });
  });
});

describe(checkInvitee.name, () => {
  it('trims the email and keeps a built-in role', () => {
    expect(checkInvitee(' ada@example.com ', 'Viewer')).toEqual({ email: 'ada@example.com', role: 'Viewer' });
  });

  it('names the email, then the role', () => {
    expect(refusal(() => checkInvitee('nope', 'Wizard'))).toMatchObject({ fieldErrors: [{ field: 'email' }] });
    expect(refusal(() => checkInvitee('a@b.example', 'Wizard'))).toMatchObject({ fieldErrors: [{ field: 'role' }] });
    expect(refusal(() => checkInvitee(42, 'Viewer'))).toMatchObject({ code: 'INVITATIONS.INVALID_EMAIL' });
  });
});
