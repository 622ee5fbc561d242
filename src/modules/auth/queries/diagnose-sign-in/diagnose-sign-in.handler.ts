import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { AccessGate, nextOpening, PolicyStore } from '../../../access-policy';
import { UserAccounts } from '../../../users';
import { diagnoseSignIn, type SignInDiagnosis } from '../../domain/sign-in-diagnosis';
import { LoginThrottle } from '../../infrastructure/login-throttle';
import { DiagnoseSignInQuery } from './diagnose-sign-in.query';

/** Gathers what each module knows of a user's sign-in (users: status and invitation; auth: lockout; access policy: the rules) for diagnoseSignIn. */
@QueryHandler(DiagnoseSignInQuery)
export class DiagnoseSignInHandler implements IQueryHandler<DiagnoseSignInQuery, SignInDiagnosis> {
  constructor(
    private readonly users: UserAccounts,
    private readonly policies: PolicyStore,
    private readonly gate: AccessGate,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
  ) {}

  async execute(query: DiagnoseSignInQuery): Promise<SignInDiagnosis> {
    const profile = await this.users.findProfile(query.organizationId, query.userId);
    if (!profile) throw new NotFoundError('User');
    const now = this.clock.now();
    const [candidate, invitation, { document }] = await Promise.all([
      profile.email ? this.users.findForSignIn(query.organizationId, profile.email) : null,
      this.users.latestInvitation(query.organizationId, profile.id),
      this.policies.get(query.organizationId),
    ]);
    const lock = profile.email ? await this.throttle.lockedFor(this.throttle.accountKey(query.organizationId, profile.email), query.ip) : null;
    const caller = { organizationId: query.organizationId, userId: profile.id, role: profile.role, ip: query.ip };
    // each restriction judged alone and without break-glass, so every cause is named
    const [ipAccess, windowAccess] = await Promise.all([
      this.gate.decide(caller, { ...document, accessWindows: [], breakGlassUsers: [] }, now),
      this.gate.decide(caller, { ...document, ipAllowlist: [], breakGlassUsers: [] }, now),
    ]);
    const closed = windowAccess.decision.reason === 'outside_access_window' ? (windowAccess.decision.rule?.indexes ?? []) : [];
    return diagnoseSignIn({
      user: {
        id: profile.id,
        status: profile.status,
        role: profile.role,
        mfaEnabled: profile.mfaEnabled,
        hasPassword: !!candidate?.passwordHash,
        passwordChangedAt: candidate?.passwordChangedAt ?? null,
        createdAt: candidate?.createdAt ?? profile.createdAt,
      },
      invitation,
      lock,
      policy: document,
      ipAccess: ipAccess.decision,
      windowAccess: windowAccess.decision,
      nextOpening: closed.length ? nextOpening(closed.map((index) => document.accessWindows[index]), now) : null,
      ip: query.ip,
      now,
    });
  }
}
