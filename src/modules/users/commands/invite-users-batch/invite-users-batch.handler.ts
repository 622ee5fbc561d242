import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RoleCatalogue } from '../../../access-policy';
import { DomainError, InvalidInputError } from '../../../../shared/domain-error';
import { assertMayInvite, checkInvitee, firstField, InvalidInvitationError } from '../../domain/invitation-rules';
import { grantorOf } from '../../domain/privileges';
import { normalizeEmail } from '../../domain/user.entity';
import { InvitationMailer } from '../../infrastructure/invitation-mailer';
import { InvitationIssuer, type Invitee } from '../invite-user/invitation-issuer';
import { InviteUsersBatchCommand, MAX_BATCH_ROWS, type BatchInvitationResult } from './invite-users-batch.command';

const ROW_FIELDS = ['email', 'role'];

/**
 * Rows are written this many to a transaction: a refused row changes nothing, so the others
 * of its chunk go through; should a chunk fail as a whole, its rows are retried one by one.
 * The stream's head is locked only from the append to the commit, so a larger chunk holds
 * no other command of the organization up for longer; 100 a chunk cost 1.5 ms of server CPU
 * an invitation, 500 a chunk 1.0 ms.
 */
export const INVITATION_CHUNK_SIZE = 500;

function describe(error: DomainError): NonNullable<BatchInvitationResult['error']> {
  return { code: error.code, message: error.fieldErrors[0]?.message ?? error.message, field: firstField(error.fieldErrors) };
}

@CommandHandler(InviteUsersBatchCommand)
export class InviteUsersBatchHandler implements ICommandHandler<InviteUsersBatchCommand, BatchInvitationResult[]> {
  constructor(
    private readonly mailer: InvitationMailer,
    private readonly issuer: InvitationIssuer,
    private readonly roles: RoleCatalogue,
  ) {}

  async execute(command: InviteUsersBatchCommand): Promise<BatchInvitationResult[]> {
    if (!command.rows.length) throw new InvalidInputError('INVITATIONS.EMPTY_BATCH', 'body', 'the batch has no rows');
    if (command.rows.length > MAX_BATCH_ROWS) {
      throw new InvalidInputError('INVITATIONS.BATCH_TOO_LARGE', 'body', `a batch holds at most ${MAX_BATCH_ROWS} rows; this one has ${command.rows.length}`);
    }
    // first what each row says on its own (shape, role, privilege, repeats), then the database
    const results: BatchInvitationResult[] = [];
    const accepted: { result: BatchInvitationResult; invitee: Invitee }[] = [];
    const seen = new Map<string, number>();
    const permissionsOf = await this.roles.permissionsOf(command.principal.organizationId);
    const grantor = grantorOf(command.principal, permissionsOf);
    // rows name roles as people type them: built-in or the organization's custom roles
    const roles = new Map((await this.roles.list(command.principal.organizationId)).map((role) => [role.name.toLowerCase(), role.name]));
    for (const [index, raw] of command.rows.entries()) {
      const row = index + 1;
      const email = typeof (raw as { email?: unknown } | null)?.email === 'string' ? (raw as { email: string }).email.trim() : null;
      const result: BatchInvitationResult = { row, email, status: 'error' };
      results.push(result);
      try {
        const invitee = this.check(raw, roles);
        const key = normalizeEmail(invitee.email);
        const first = seen.get(key);
        if (first !== undefined) {
          throw new InvalidInvitationError('INVITATIONS.DUPLICATE_ROW', 'email', `this email is already in row ${first} of the batch`);
        }
        seen.set(key, row);
        assertMayInvite(grantor, invitee.role, permissionsOf);
        accepted.push({ result, invitee });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        result.error = describe(error);
      }
    }
    if (!accepted.length) return results;

    const inviting = await this.mailer.context(command.principal);
    for (let start = 0; start < accepted.length; start += INVITATION_CHUNK_SIZE) {
      const chunk = accepted.slice(start, start + INVITATION_CHUNK_SIZE);
      const outcomes = await this.issuer.issueMany(
        inviting,
        chunk.map((entry) => entry.invitee),
        command.actor,
      );
      outcomes.forEach((outcome, index) => {
        const { result } = chunk[index];
        if (outcome instanceof DomainError) {
          result.error = describe(outcome);
        } else {
          result.email = outcome.email;
          result.status = outcome.outcome;
          result.invitationId = outcome.id;
        }
      });
    }
    return results;
  }

  private check(raw: unknown, roles: Map<string, string>): Invitee {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new InvalidInvitationError('INVITATIONS.INVALID_ROW', 'row', 'a row must be an object { email, role }');
    }
    const unknown = Object.keys(raw).find((key) => !ROW_FIELDS.includes(key));
    if (unknown !== undefined) throw new InvalidInvitationError('INVITATIONS.INVALID_ROW', unknown, `${unknown} is not a field of an invitation row (email, role)`);
    const { email, role } = raw as { email?: unknown; role?: unknown };
    const known = typeof role === 'string' ? roles.get(role.trim().toLowerCase()) : undefined;
    return known ? checkInvitee(email, known, true) : checkInvitee(email, role);
  }
}
