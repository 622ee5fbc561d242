import type { Decision, RuleSource } from './decision';

/** CASL's names: `manage` is any action, `all` any subject type. */
export const ANY_ACTION = 'manage';
export const ANY_SUBJECT = 'all';

/** One rule of an ability, as it answers: where it came from, its rank, the answer it gives. */
export interface RuleHit {
  /** Rules added later rank higher, as CASL orders them: the highest matching rule decides. */
  readonly rank: number;
  readonly source: RuleSource;
  /** The allowing answer, built once and shared (frozen). */
  readonly granted: Decision;
}

/** A decision shared by every caller that gets it: frozen, with its rules. */
export function frozenDecision(decision: Decision): Decision {
  Object.freeze(decision.rules);
  return Object.freeze(decision);
}

function higher(a: RuleHit | undefined, b: RuleHit | undefined): RuleHit | undefined {
  if (a === undefined) return b;
  return b === undefined || a.rank > b.rank ? a : b;
}

/** The highest-ranked rule per action, for one subject type (and one resource). */
class ActionTable {
  private readonly byAction = new Map<string, RuleHit>();
  /** The highest rule with `manage`, which covers every action. */
  private anyAction: RuleHit | undefined;

  add(actions: readonly string[], hit: RuleHit): void {
    for (const action of actions) {
      if (action === ANY_ACTION) this.anyAction = higher(hit, this.anyAction);
      else this.byAction.set(action, higher(hit, this.byAction.get(action))!);
    }
  }

  best(action: string): RuleHit | undefined {
    return higher(this.byAction.get(action), this.anyAction);
  }
}

/**
 * A user's rules compiled for answering: the same answers as CASL's `relevantRuleFor` on
 * rules `{ action, subject, conditions?: { id } }`, without scanning or allocating. Rules
 * without conditions (the role's) are a table per subject type; rules on one record (a
 * lead's team, a resource grant) a table per subject type and id. `manage` and `all` match
 * as in CASL, and between matching rules the one added last wins.
 */
export class AbilityIndex {
  private readonly unconditional = new Map<string, ActionTable>();
  private readonly byRecord = new Map<string, Map<string, ActionTable>>();
  private rank = 0;

  /** Adds a rule after those already added (so ranking above them). */
  add(rule: { subjects: readonly string[]; actions: readonly string[]; id?: string; source: RuleSource }): RuleHit {
    const hit: RuleHit = Object.freeze({
      rank: this.rank++,
      source: rule.source,
      granted: frozenDecision({ allowed: true, reason: 'granted', rules: [rule.source] }),
    });
    for (const subject of new Set(rule.subjects)) {
      let table: ActionTable | undefined;
      if (rule.id === undefined) {
        table = this.unconditional.get(subject);
        if (!table) this.unconditional.set(subject, (table = new ActionTable()));
      } else {
        let byId = this.byRecord.get(subject);
        if (!byId) this.byRecord.set(subject, (byId = new Map<string, ActionTable>()));
        table = byId.get(rule.id);
        if (!table) byId.set(rule.id, (table = new ActionTable()));
      }
      table.add(rule.actions, hit);
    }
    return hit;
  }

  /** The deciding rule for `action` on a subject of `type`, the record `id` when known. */
  relevant(action: string, type: string, id: string | undefined): RuleHit | undefined {
    let hit = this.unconditional.get(type)?.best(action);
    if (type !== ANY_SUBJECT) hit = higher(hit, this.unconditional.get(ANY_SUBJECT)?.best(action));
    if (id === undefined) return hit;
    hit = higher(hit, this.byRecord.get(type)?.get(id)?.best(action));
    if (type !== ANY_SUBJECT) hit = higher(hit, this.byRecord.get(ANY_SUBJECT)?.get(id)?.best(action));
    return hit;
  }

  /** The deciding rule among those without conditions only (a role's). */
  unconditionalFor(action: string, type: string): RuleHit | undefined {
    return this.relevant(action, type, undefined);
  }
}
