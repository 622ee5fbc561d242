import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { OrganizationDirectory } from '../../../organizations';
import { UserAccounts } from '../../../users';
import { actingAs, activeProfile } from '../../infrastructure/acting-user';
import { Mfa, type TotpEnrolment } from '../../infrastructure/mfa';
import { StartTotpEnrolmentCommand } from './start-totp-enrolment.command';

@CommandHandler(StartTotpEnrolmentCommand)
export class StartTotpEnrolmentHandler implements ICommandHandler<StartTotpEnrolmentCommand, TotpEnrolment> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly mfa: Mfa,
    private readonly users: UserAccounts,
    private readonly organizations: OrganizationDirectory,
  ) {}

  async execute({ user, actor }: StartTotpEnrolmentCommand): Promise<TotpEnrolment> {
    const profile = await activeProfile(this.users, user);
    const organization = await this.organizations.findById(user.organizationId);
    const { result } = await this.uow.run({ actor: actingAs(actor, user), organizationId: user.organizationId }, ({ em }) =>
      this.mfa.beginEnrolment(em, profile, `Gatehouse (${organization?.name ?? 'organization'})`),
    );
    return result;
  }
}
