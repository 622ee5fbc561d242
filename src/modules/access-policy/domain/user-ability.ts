import { ANY_ACTION, AbilityIndex, frozenDecision } from './ability-index';
import type { Decision, DecisionTarget, RuleSource } from './decision';

export interface GrantInput {
  grantId: string;
  resourceId: string;
  type: string;
  externalId: string;
  actions: string[];
  expiresAt: Date | null;
  principal: { type: 'user' | 'team' | 'role'; id: string };
}

/** Everything one user's ability is made of, read together (see AbilityReader). */
export interface AbilityInputs {
  userId: string;
  status: string;
  role: string;
  customRole: boolean;
  rolePermissions: readonly string[];
  /** Teams the user belongs to, with those they lead. */
  teams: { teamId: string; lead: boolean }[];
  grants: GrantInput[];
}

/**
 * Catalogue permissions are `<subjects>:<action>`; resources are registered by a singular
 * `type`, so `applications:deploy` covers the type `applications` and `application`.
 */
export function subjectsOf(catalogueSubject: string): string[] {
  return catalogueSubject.endsWith('s') ? [catalogueSubject, catalogueSubject.slice(0, -1)] : [catalogueSubject];
}

/** What a lead may do on the team they lead, and nothing more. */
const LEAD_ACTIONS: readonly string[] = ['read', 'manage_members', 'manage_dashboard'];

const INACTIVE = frozenDecision({ allowed: false, reason: 'inactive_user', rules: [] });
const NO_RULE = frozenDecision({ allowed: false, reason: 'no_rule', rules: [] });

function grantSource(grant: GrantInput): RuleSource {
  return {
    source: 'grant',
    grantId: grant.grantId,
    resourceId: grant.resourceId,
    principal: grant.principal,
    actions: grant.actions,
    expiresAt: grant.expiresAt?.toISOString() ?? null,
  };
}

/**
 * One user's ability: the role's (built-in or custom) rules, a team lead's rules on the
 * teams they lead, and their live resource grants (to them, their teams, their role), each
 * a rule as CASL would hold it (`{ action, subject, conditions: { id } }`), compiled once into
 * an AbilityIndex so that a decision is a few map lookups. Expired grants are kept aside to
 * explain a denial. Decisions are shared frozen objects.
 */
export class UserAbility {
  /** ms since the epoch when the earliest live grant expires: the ability is stale from then. */
  readonly validUntil: number | null;
  private readonly index = new AbilityIndex();
  /** Every rule's source, in the order added (the effective ability, GET /me/permissions). */
  private readonly sources: RuleSource[] = [];
  /** type → our resource id → the lapsed grants on it. */
  private readonly expired = new Map<string, Map<string, GrantInput[]>>();
  /** type → the service's id → our id, for the resources this user holds grants on (lapsed too). */
  private readonly byExternalId = new Map<string, Map<string, string>>();
  readonly teamIds: string[];
  readonly leadTeamIds: string[];
  private readonly isActive: boolean;

  constructor(
    readonly inputs: AbilityInputs,
    now: number,
  ) {
    this.isActive = inputs.status === 'active';
    const add = (rule: { subjects: readonly string[]; actions: readonly string[]; id?: string }, source: RuleSource) => {
      this.index.add({ ...rule, source });
      this.sources.push(source);
    };
    for (const permission of inputs.rolePermissions) {
      const [catalogueSubject, action] = permission.split(':');
      add({ actions: [action], subjects: subjectsOf(catalogueSubject) }, { source: 'role', role: inputs.role, custom: inputs.customRole, permission });
    }
    this.teamIds = inputs.teams.map((team) => team.teamId);
    this.leadTeamIds = inputs.teams.filter((team) => team.lead).map((team) => team.teamId);
    for (const teamId of this.leadTeamIds) {
      // a lead runs their own team's membership and dashboard, and nothing more
      add({ actions: LEAD_ACTIONS, subjects: ['team'], id: teamId }, { source: 'team_lead', teamId });
    }
    let validUntil: number | null = null;
    for (const grant of inputs.grants) {
      let external = this.byExternalId.get(grant.type);
      if (!external) this.byExternalId.set(grant.type, (external = new Map<string, string>()));
      external.set(grant.externalId, grant.resourceId);
      const expiresAt = grant.expiresAt?.getTime() ?? null;
      if (expiresAt !== null && expiresAt <= now) {
        let byId = this.expired.get(grant.type);
        if (!byId) this.expired.set(grant.type, (byId = new Map<string, GrantInput[]>()));
        const lapsed = byId.get(grant.resourceId);
        if (lapsed) lapsed.push(grant);
        else byId.set(grant.resourceId, [grant]);
        continue;
      }
      if (expiresAt !== null && (validUntil === null || expiresAt < validUntil)) validUntil = expiresAt;
      add({ actions: grant.actions, subjects: [grant.type], id: grant.resourceId }, grantSource(grant));
    }
    this.validUntil = validUntil;
  }

  get active(): boolean {
    return this.isActive;
  }

  /** The resource's id as our records know it, when this user holds a grant on it. */
  resourceIdOf(resource: DecisionTarget['resource']): string | undefined {
    if (resource.id) return resource.id.toLowerCase();
    if (resource.externalId !== undefined) return this.byExternalId.get(resource.type)?.get(resource.externalId);
    return undefined;
  }

  /** May this user do `action` on the resource? Policies narrow an allowed answer afterwards. */
  decide(target: DecisionTarget): Decision {
    if (!this.isActive) return INACTIVE;
    const id = this.resourceIdOf(target.resource) || undefined;
    const hit = this.index.relevant(target.action, target.resource.type, id);
    if (hit) return hit.granted;
    const lapsed = id === undefined ? undefined : this.expired.get(target.resource.type)?.get(id);
    if (lapsed) {
      const matching = lapsed.filter((grant) => grant.actions.includes(target.action) || grant.actions.includes(ANY_ACTION));
      if (matching.length) return { allowed: false, reason: 'expired_grant', rules: matching.map(grantSource) };
    }
    return NO_RULE;
  }

  /** Whether a team lead's rule (not the role) lets this user do `action` on the team. */
  leadsFor(action: string, teamId: string): boolean {
    if (!this.isActive) return false;
    // lead rules come after the role's, so they rank first when both match
    return this.index.relevant(action, 'team', teamId.toLowerCase())?.source.source === 'team_lead';
  }

  /** The catalogue permission `subject:action`, as the role (not a grant) gives it. */
  hasPermission(permission: string): boolean {
    if (!this.isActive) return false;
    const [catalogueSubject, action] = permission.split(':');
    return this.index.unconditionalFor(action, catalogueSubject) !== undefined;
  }

  /** The effective ability as rules (GET /me/permissions). */
  describe(): RuleSource[] {
    return [...this.sources];
  }
}
