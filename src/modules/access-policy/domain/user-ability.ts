import { createMongoAbility, subject as asSubject, type MongoAbility, type RawRuleOf } from '@casl/ability';
import type { Decision, DecisionTarget, RuleSource } from './decision';

export type AppAbility = MongoAbility;

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

/**
 * One user's ability: the role's (built-in or custom) rules, a team lead's rules on the
 * teams they lead, and their live resource grants (to them, their teams, their role), each
 * a CASL rule with conditions. Expired grants are kept aside to explain a denial.
 */
export class UserAbility {
  readonly ability: AppAbility;
  /** ms since the epoch when the earliest live grant expires: the ability is stale from then. */
  readonly validUntil: number | null;
  private readonly sources = new Map<object, RuleSource>();
  private readonly expired: GrantInput[];
  /** `type \0 externalId` → our id, for the resources this user holds grants on. */
  private readonly byExternalId = new Map<string, string>();
  readonly teamIds: string[];
  readonly leadTeamIds: string[];

  constructor(readonly inputs: AbilityInputs, now: number) {
    const rules: RawRuleOf<AppAbility>[] = [];
    const add = (rule: RawRuleOf<AppAbility>, source: RuleSource) => {
      rules.push(rule);
      this.sources.set(rule, source);
    };
    for (const permission of inputs.rolePermissions) {
      const [catalogueSubject, action] = permission.split(':');
      add({ action, subject: subjectsOf(catalogueSubject) }, { source: 'role', role: inputs.role, custom: inputs.customRole, permission });
    }
    this.teamIds = inputs.teams.map((team) => team.teamId);
    this.leadTeamIds = inputs.teams.filter((team) => team.lead).map((team) => team.teamId);
    for (const teamId of this.leadTeamIds) {
      // a lead runs their own team's membership and dashboard, and nothing more
      add({ action: ['read', 'manage_members', 'manage_dashboard'], subject: 'team', conditions: { id: teamId } }, { source: 'team_lead', teamId });
    }
    this.expired = [];
    let validUntil: number | null = null;
    for (const grant of inputs.grants) {
      this.byExternalId.set(`${grant.type}\u0000${grant.externalId}`, grant.resourceId);
      const expiresAt = grant.expiresAt?.getTime() ?? null;
      if (expiresAt !== null && expiresAt <= now) {
        this.expired.push(grant);
        continue;
      }
      if (expiresAt !== null && (validUntil === null || expiresAt < validUntil)) validUntil = expiresAt;
      add(
        { action: grant.actions, subject: grant.type, conditions: { id: grant.resourceId } },
        {
          source: 'grant',
          grantId: grant.grantId,
          resourceId: grant.resourceId,
          principal: grant.principal,
          actions: grant.actions,
          expiresAt: grant.expiresAt?.toISOString() ?? null,
        },
      );
    }
    this.validUntil = validUntil;
    this.ability = createMongoAbility(rules);
  }

  get active(): boolean {
    return this.inputs.status === 'active';
  }

  /** The resource's id as our records know it, when this user holds a grant on it. */
  resourceIdOf(resource: DecisionTarget['resource']): string | undefined {
    if (resource.id) return resource.id.toLowerCase();
    if (resource.externalId !== undefined) return this.byExternalId.get(`${resource.type}\u0000${resource.externalId}`);
    return undefined;
  }

  /** May this user do `action` on the resource? Policies narrow an allowed answer afterwards. */
  decide(target: DecisionTarget): Decision {
    if (!this.active) return { allowed: false, reason: 'inactive_user', rules: [] };
    const id = this.resourceIdOf(target.resource);
    const fields: Record<string, unknown> = {};
    if (id) fields.id = id;
    if (target.resource.externalId !== undefined) fields.externalId = target.resource.externalId;
    const rule = this.ability.relevantRuleFor(target.action, asSubject(target.resource.type, fields));
    if (rule && !rule.inverted) {
      const source = this.sources.get(rule.origin);
      return { allowed: true, reason: 'granted', rules: source ? [source] : [] };
    }
    const lapsed = id
      ? this.expired.filter((grant) => grant.resourceId === id && grant.type === target.resource.type && (grant.actions.includes(target.action) || grant.actions.includes('manage')))
      : [];
    if (lapsed.length) {
      return {
        allowed: false,
        reason: 'expired_grant',
        rules: lapsed.map((grant) => ({
          source: 'grant',
          grantId: grant.grantId,
          resourceId: grant.resourceId,
          principal: grant.principal,
          actions: grant.actions,
          expiresAt: grant.expiresAt?.toISOString() ?? null,
        })),
      };
    }
    return { allowed: false, reason: 'no_rule', rules: [] };
  }

  /** Whether a team lead's rule (not the role) lets this user do `action` on the team. */
  leadsFor(action: string, teamId: string): boolean {
    if (!this.active) return false;
    // lead rules come after the role's, so CASL ranks them first when both match
    const rule = this.ability.relevantRuleFor(action, asSubject('team', { id: teamId.toLowerCase() }));
    return !!rule && !rule.inverted && this.sources.get(rule.origin)?.source === 'team_lead';
  }

  /** The catalogue permission `subject:action`, as the role (not a grant) gives it. */
  hasPermission(permission: string): boolean {
    if (!this.active) return false;
    const [catalogueSubject, action] = permission.split(':');
    return this.ability.can(action, catalogueSubject);
  }

  /** The effective ability as rules (GET /me/permissions). */
  describe(): RuleSource[] {
    return this.ability.rules.map((rule) => this.sources.get(rule)).filter((source): source is RuleSource => source !== undefined);
  }
}
