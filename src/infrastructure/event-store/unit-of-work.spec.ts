import { defineEvents, EventCatalogue, payload, z } from '../../shared/event-catalogue';
import type { StoredEvent } from './event-hash';
import type { EntityManager } from '@mikro-orm/postgresql';
import { systemActor } from '../../shared/actor';
import { CommandContext, usersConcerned } from './unit-of-work';

const SAMPLE = defineEvents('sample', {
  'user.renamed': { description: 'A user was renamed.', subject: ['user'], payload: payload({}) },
  'grant.given': { description: 'A grant was given.', subject: ['team'], payload: payload({ userId: z.string() }) },
  'token.rotated': { description: 'A token was rotated.', subject: ['user'], leavesUserCachesValid: true, payload: payload({}) },
});

function stored(type: string, subjectId: string | null, payload: Record<string, unknown> = {}): StoredEvent {
  return {
    id: 'e',
    organizationId: 'o',
    seq: 1,
    type,
    actor: { type: 'system', id: null, ip: null, userAgent: null } as unknown as StoredEvent['actor'],
    subject: { type: type === 'grant.given' ? 'team' : 'user', id: subjectId },
    payload,
    occurredAt: '2026-01-01T00:00:00.000Z',
    prevHash: '',
    hash: '',
  };
}

describe('usersConcerned', () => {
  const catalogue = new EventCatalogue([SAMPLE]);

  it('names the subject user and the user a payload names', () => {
    expect(usersConcerned([stored('user.renamed', 'u1'), stored('grant.given', 't1', { userId: 'u2' })], catalogue)).toEqual(['u1', 'u2']);
  });

  it('leaves out the users of events declared to leave their caches valid', () => {
    expect(usersConcerned([stored('token.rotated', 'u1')], catalogue)).toEqual([]);
    expect(usersConcerned([stored('token.rotated', 'u1'), stored('user.renamed', 'u1')], catalogue)).toEqual(['u1']);
  });

  it('counts an undeclared type as a change (the safe side)', () => {
    expect(usersConcerned([stored('other.thing', 'u3')], catalogue)).toEqual(['u3']);
  });
});

describe(CommandContext.name, () => {
  it('records events as the scope’s actor until the work names who acts', () => {
    const scope = { ...systemActor('r1'), ip: '203.0.113.9' };
    const context = new CommandContext({} as EntityManager, scope);
    expect(context.actor).toBe(scope);
    const user = { ...scope, type: 'user' as const, id: 'u1', organizationId: 'o1' };
    context.actAs(user);
    expect(context.actor).toBe(user);
  });
});
