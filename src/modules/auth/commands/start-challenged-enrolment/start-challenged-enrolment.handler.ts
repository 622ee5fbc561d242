import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { OrganizationDirectory } from '../../../organizations';
import { UserAccounts } from '../../../users';
import { actingAs, activeProfile } from '../../infrastructure/acting-user';
import { Challenges } from '../../infrastructure/challenges';
import { Mfa, type TotpEnrolment } from '../../infrastructure/mfa';
import { StartChallengedEnrolmentCommand } from './start-challenged-enrolment.command';

@CommandHandler(StartChallengedEnrolmentCommand)
export class StartChallengedEnrolmentHandler implements ICommandHandler<StartChallengedEnrolmentCommand, TotpEnrolment> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly challenges: Challenges,
    private readonly mfa: Mfa,
    private readonly users: UserAccounts,
    private readonly organizations: OrganizationDirectory,
  ) {}

  async execute({ mfaToken, actor }: StartChallengedEnrolmentCommand): Promise<TotpEnrolment> {
    const challenge = await this.challenges.find(this.uow.reader(null), mfaToken, 'mfa_enroll');
    const user = { organizationId: challenge.organizationId, userId: challenge.userId };
    const profile = await activeProfile(this.users, user);
    const organization = await this.organizations.findById(user.organizationId);
    const { result } = await this.uow.run({ actor: actingAs(actor, user), organizationId: user.organizationId }, ({ em }) =>
      this.mfa.beginEnrolment(em, profile, `Gatehouse (${organization?.name ?? 'organization'})`),
    );
    return result;
  }
}
