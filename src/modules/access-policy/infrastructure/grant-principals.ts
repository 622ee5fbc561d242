import { Injectable } from '@nestjs/common';
import { Clock } from '../../../shared/clock';
import { InvalidInputError } from '../../../shared/domain-error';
import { AccountStanding } from '../contracts/account-standing';
import { TeamMemberships } from '../contracts/team-memberships';
import { Ports } from './ports';
import { RoleCatalogue } from './role-catalogue';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks who a grant names and when it ends, and spells the principal as grants store it. */
@Injectable()
export class GrantPrincipals {
  constructor(
    private readonly ports: Ports,
    private readonly roles: RoleCatalogue,
    private readonly clock: Clock,
  ) {}

  async resolve(organizationId: string, principal: { type: 'user' | 'team' | 'role'; id: string }, field: string): Promise<string> {
    switch (principal.type) {
      case 'user': {
        const standing = UUID.test(principal.id) ? await this.ports.get(AccountStanding).standingOf(organizationId, principal.id) : null;
        if (!standing || standing.status === 'removed') throw new InvalidInputError('GRANTS.UNKNOWN_PRINCIPAL', `${field}.id`, `${field}.id names no user of this organization`);
        return principal.id.toLowerCase();
      }
      case 'team': {
        if (!UUID.test(principal.id) || !(await this.ports.get(TeamMemberships).isActiveTeam(organizationId, principal.id))) {
          throw new InvalidInputError('GRANTS.UNKNOWN_PRINCIPAL', `${field}.id`, `${field}.id names no team of this organization`);
        }
        return principal.id.toLowerCase();
      }
      case 'role': {
        const byName = await this.roles.find(organizationId, principal.id);
        if (byName) return byName.id ?? byName.name;
        const byId = UUID.test(principal.id) ? await this.roles.findById(organizationId, principal.id) : null;
        if (!byId) throw new InvalidInputError('GRANTS.UNKNOWN_PRINCIPAL', `${field}.id`, `${field}.id names no role of this organization`);
        return byId.id!;
      }
    }
  }

  expiry(value: string | undefined, field: string): Date | null {
    if (value === undefined) return null;
    const at = new Date(value);
    if (at.getTime() <= this.clock.now().getTime()) throw new InvalidInputError('GRANTS.EXPIRED', field, `${field} must be in the future`);
    return at;
  }
}
