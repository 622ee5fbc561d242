import { DomainError } from '../../../shared/domain-error';
import { AbilityFactory } from '../../access-policy';
import { assertMayInvite, checkInvitee } from './invitation-rules';
import { grantorOf } from './privileges';

const abilities = new AbilityFactory();
const permissionsOf = (role: string) => abilities.permissionsOf(role);
/** An inviter with a session (`scopes` absent) or an API key with those scopes. */
const invite = (inviterRole: string, role: string, scopes: string[] | null = null) =>
  assertMayInvite(grantorOf({ userId: 'inviter', role: inviterRole, scopes }, permissionsOf), role, permissionsOf);

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
    for (const role of ['Administrator', 'Manager', 'Developer', 'Viewer']) expect(() => invite('Administrator', role)).not.toThrow();
  });

  it('lets a Manager invite only Developers and Viewers', () => {
    expect(() => invite('Manager', 'Developer')).not.toThrow();
    expect(() => invite('Manager', 'Viewer')).not.toThrow();
    for (const role of ['Administrator', 'Manager']) {
      expect(refusal(() => invite('Manager', role))).toMatchObject({ code: 'INVITATIONS.ROLE_NOT_ASSIGNABLE', kind: 'forbidden' });
    }
  });

  it('lets an API key invite only into roles whose permissions its scopes carry', () => {
    const inviteOnly = ['users:invite'];
    expect(refusal(() => invite('Administrator', 'Administrator', inviteOnly))).toMatchObject({
      code: 'INVITATIONS.ROLE_NOT_ASSIGNABLE',
      fieldErrors: [{ field: 'role', message: expect.stringContaining('permissions you do not') as string }],
    });
    expect(refusal(() => invite('Administrator', 'Viewer', inviteOnly))).toMatchObject({ code: 'INVITATIONS.ROLE_NOT_ASSIGNABLE' });
    expect(() => invite('Administrator', 'Viewer', ['users:invite', ...permissionsOf('Viewer')])).not.toThrow();
    // a Manager's key is still held to the role table, whatever its scopes
    expect(refusal(() => invite('Manager', 'Manager', permissionsOf('Manager')))).toMatchObject({ code: 'INVITATIONS.ROLE_NOT_ASSIGNABLE' });
  });

  it('lets nobody else invite', () => {
    expect(refusal(() => invite('Viewer', 'Viewer'))).toMatchObject({ kind: 'forbidden' });
    expect(refusal(() => invite('Some custom role', 'Viewer'))).toMatchObject({ kind: 'forbidden' });
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
