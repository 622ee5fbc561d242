import { Query } from '@nestjs/cqrs';
import type { SignInDiagnosis } from '../../domain/sign-in-diagnosis';

/** Why a user can or cannot sign in now; `ip`: the address to judge the IP allow-list for. */
export class DiagnoseSignInQuery extends Query<SignInDiagnosis> {
  constructor(
    readonly organizationId: string,
    readonly userId: string,
    readonly ip: string | null,
  ) {
    super();
  }
}
