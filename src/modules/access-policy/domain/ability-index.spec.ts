import { createMongoAbility, subject as asSubject, type RawRuleOf, type MongoAbility } from '@casl/ability';
import { AbilityIndex } from './ability-index';
import type { RuleSource } from './decision';

const R1 = 'a0000000-0000-4000-8000-000000000001';
const R2 = 'a0000000-0000-4000-8000-000000000002';

interface Rule {
  subjects: string[];
  actions: string[];
  id?: string;
}

const source = (n: number): RuleSource => ({ source: 'role', role: `rule-${n}`, custom: false, permission: `rule:${n}` });

const numberOf = (rule: RuleSource) => (rule.source === 'role' ? Number(rule.permission.split(':')[1]) : NaN);

/** The same rules as CASL holds them, for CASL to be the oracle. */
function both(rules: Rule[]): { sut: AbilityIndex; casl: MongoAbility; origins: Map<object, number> } {
  const sut = new AbilityIndex();
  const raw: RawRuleOf<MongoAbility>[] = [];
  const origins = new Map<object, number>();
  rules.forEach((rule, n) => {
    sut.add({ ...rule, source: source(n) });
    const casl: RawRuleOf<MongoAbility> = { action: rule.actions, subject: rule.subjects, ...(rule.id ? { conditions: { id: rule.id } } : {}) };
    origins.set(casl, n);
    raw.push(casl);
  });
  return { sut, casl: createMongoAbility(raw), origins };
}

describe(AbilityIndex.name, () => {
  it('answers the rule CASL would, for every action, subject type and record asked', () => {
    const rules: Rule[] = [
      { subjects: ['applications', 'application'], actions: ['develop'] },
      { subjects: ['devices', 'device'], actions: ['manage'] },
      { subjects: ['team'], actions: ['read', 'manage_members'], id: R1 },
      { subjects: ['application'], actions: ['deploy', 'read'], id: R1 },
      { subjects: ['application'], actions: ['read'], id: R2 },
      { subjects: ['application'], actions: ['manage'], id: R2 },
      { subjects: ['device'], actions: ['read'], id: R1 },
      { subjects: ['all'], actions: ['audit'] },
      { subjects: ['all'], actions: ['inspect', 'manage'], id: R2 },
      { subjects: ['application'], actions: ['deploy'], id: R2 },
    ];
    const { sut, casl, origins } = both(rules);
    const actions = ['develop', 'deploy', 'read', 'manage', 'manage_members', 'audit', 'inspect', 'delete'];
    const types = ['application', 'applications', 'device', 'team', 'all', 'environment'];
    let asked = 0;
    for (const action of actions) {
      for (const type of types) {
        for (const id of [undefined, R1, R2, 'a0000000-0000-4000-8000-000000000009']) {
          const expected = casl.relevantRuleFor(action, asSubject(type, id ? { id } : {}));
          const answer = sut.relevant(action, type, id);
          expect({ action, type, id, rule: answer ? numberOf(answer.source) : null }).toEqual({
            action,
            type,
            id,
            rule: expected ? origins.get(expected.origin)! : null,
          });
          asked++;
        }
      }
    }
    expect(asked).toBe(actions.length * types.length * 4);
  });

  it('ranks the rule added last first, as CASL does', () => {
    const { sut } = both([
      { subjects: ['application'], actions: ['deploy'], id: R1 },
      { subjects: ['application'], actions: ['manage'], id: R1 },
      { subjects: ['application'], actions: ['deploy'], id: R1 },
    ]);
    expect(sut.relevant('deploy', 'application', R1)?.source).toEqual(source(2));
    expect(sut.relevant('read', 'application', R1)?.source).toEqual(source(1));
  });

  it('never lets a rule on one record answer for another record, or for the type as a whole', () => {
    const { sut } = both([{ subjects: ['application'], actions: ['deploy'], id: R1 }]);
    expect(sut.relevant('deploy', 'application', R2)).toBeUndefined();
    expect(sut.relevant('deploy', 'application', undefined)).toBeUndefined();
    expect(sut.unconditionalFor('deploy', 'application')).toBeUndefined();
  });

  it('answers with one frozen decision per rule, shared by every caller', () => {
    const { sut } = both([{ subjects: ['application'], actions: ['deploy'], id: R1 }]);
    const first = sut.relevant('deploy', 'application', R1)!.granted;
    expect(first).toEqual({ allowed: true, reason: 'granted', rules: [source(0)] });
    expect(sut.relevant('deploy', 'application', R1)!.granted).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.rules)).toBe(true);
  });
});
