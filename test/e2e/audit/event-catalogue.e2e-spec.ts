import { EntityManager } from '@mikro-orm/postgresql';
import { EventStore } from '../../../src/infrastructure/event-store/event-store';
import { RelayWake } from '../../../src/infrastructure/event-store/relay-wake';
import { UnitOfWork } from '../../../src/infrastructure/event-store/unit-of-work';
import type { AppConfig } from '../../../src/infrastructure/config/app-config';
import type { Actor } from '../../../src/shared/actor';
import { Clock } from '../../../src/shared/clock';
import type { DomainEvent } from '../../../src/shared/domain-event';
import { EventCatalogue, EventPayloadDriftError, UndeclaredEventTypeError } from '../../../src/shared/event-catalogue';
import { IdGenerator } from '../../../src/shared/ids';
import { CATALOGUE_PROJECTIONS, syntheticEvents } from '../../support/event-catalogue';
import { eventually, startTestApp, type TestApp } from '../../support/test-app';
import { createUser, organizationId } from '../../support/users';

interface EventTypeItem {
  type: string;
  module: string;
  description: string;
  subject: string[];
  category: string | null;
  payloadSchema: { type: string; properties: Record<string, { type?: string; enum?: unknown[] }>; required?: string[] };
}

describe('the event catalogue', () => {
  let t: TestApp;
  let catalogue: EventCatalogue;
  let orgId: string;
  const actor = (): Actor => ({
    type: 'user',
    id: crypto.randomUUID(),
    organizationId: orgId,
    ip: '203.0.113.9',
    userAgent: 'catalogue-test',
    requestId: crypto.randomUUID(),
  });

  beforeAll(async () => {
    t = await startTestApp();
    catalogue = t.app.get(EventCatalogue);
    orgId = await organizationId(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('publishes every declared type with its module, meaning and payload schema (GET /api/v1/audit/event-types)', async () => {
    const token = await t.adminToken();
    const response = await t.api.get<{ items: EventTypeItem[] }>('/api/v1/audit/event-types', token);
    expect(response.status).toBe(200);
    expect(response.body.items.map((item) => item.type)).toEqual(catalogue.types());
    const failed = response.body.items.find((item) => item.type === 'auth.login_failed')!;
    expect(failed).toMatchObject({ module: 'auth', category: 'login', subject: ['user'], description: expect.stringMatching(/refused/) });
    expect(failed.payloadSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['method', 'reason']) });
    expect(failed.payloadSchema.properties.method.enum).toContain('password');
  });

  it('answers the catalogue only to those who may read the audit trail', async () => {
    const viewer = await createUser(t, { organizationId: orgId, role: 'Viewer' });
    const token = await t.api.login('default', viewer.email, viewer.password);
    const refused = await t.api.get<{ type: string }>('/api/v1/audit/event-types', token);
    expect(refused.status).toBe(403);
    expect((await t.api.get('/api/v1/audit/event-types')).status).toBe(401);
  });

  it("puts every type's payload schema in the OpenAPI document, and the audit event discriminated by type", async () => {
    const document = await t.api.get<{
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { type?: string; properties?: Record<string, { nullable?: boolean }>; oneOf?: unknown[]; discriminator?: { mapping: Record<string, string> } }> };
    }>('/api/docs-json');
    expect(document.status).toBe(200);
    expect(document.body.paths['/api/v1/audit/event-types']).toHaveProperty('get');
    const schemas = document.body.components.schemas;
    for (const type of catalogue.types()) expect(schemas[`EventPayload.${type}`]).toMatchObject({ type: 'object' });
    expect(schemas['EventPayload.user.role_changed'].properties).toEqual({ from: expect.any(Object), to: expect.any(Object) });
    // OpenAPI 3.0's dialect: null as `nullable`, never as a type
    expect(schemas['EventPayload.team.created'].properties!.parentId).toMatchObject({ type: 'string', nullable: true });
    expect(JSON.stringify(schemas)).not.toContain('"type":"null"');
    expect(schemas.AuditEventByType.oneOf).toHaveLength(catalogue.types().length);
    expect(schemas.AuditEventByType.discriminator!.mapping['user.invited']).toBe('#/components/schemas/AuditEvent.user.invited');
  });

  it('refuses to append an undeclared type, and the command changes nothing', async () => {
    const before = await t.env.scalar('select count(*) from events');
    const undeclared = { type: 'user.teleported', organizationId: orgId, subject: { type: 'user', id: null }, payload: {} } as unknown as DomainEvent;
    await expect(t.app.get(UnitOfWork).run({ actor: actor(), organizationId: orgId }, async (context) => context.record(undeclared))).rejects.toBeInstanceOf(
      UndeclaredEventTypeError,
    );
    expect(await t.env.scalar('select count(*) from events')).toBe(before);
  });

  it('catches a payload that drifted from its declaration outside production', async () => {
    const drifted = {
      type: 'user.role_changed',
      organizationId: orgId,
      subject: { type: 'user', id: crypto.randomUUID() },
      payload: { from: 'Viewer', to: 'Developer', email: 'someone@example.com' },
    } as unknown as DomainEvent;
    const run = t.app.get(UnitOfWork).run({ actor: actor(), organizationId: orgId }, async (context) => context.record(drifted));
    await expect(run).rejects.toBeInstanceOf(EventPayloadDriftError);
    await expect(run).rejects.toThrow(/email/);
  });

  it('in production refuses an undeclared type but spends nothing on checking payloads', async () => {
    const production = new EventStore(t.app.get(Clock), t.app.get(IdGenerator), catalogue, { values: { env: 'production' } } as AppConfig, t.app.get(RelayWake));
    const em = t.app.get(EntityManager).fork();
    const drifted = { type: 'user.avatar_removed', organizationId: orgId, subject: { type: 'user', id: null }, payload: { extra: 1 } } as unknown as DomainEvent;
    const undeclared = { ...drifted, type: 'user.teleported' } as unknown as DomainEvent;
    await expect(em.transactional((tx) => production.append(tx, actor(), [undeclared]))).rejects.toBeInstanceOf(UndeclaredEventTypeError);
    const appended = await em.transactional((tx) => production.append(tx, actor(), [drifted]));
    expect(appended.map((event) => event.type)).toEqual(['user.avatar_removed']);
  });

  it('projects one event of every declared type into each read model with its type, actor, subject and payload', async () => {
    const synthetic = syntheticEvents(catalogue, orgId);
    const by = actor();
    const { events: appended } = await t.app.get(UnitOfWork).run({ actor: by, organizationId: orgId }, async (context) => {
      for (const { event } of synthetic) context.record(event);
    });
    expect(appended).toHaveLength(synthetic.length);
    // the seq each was sealed with
    const seqs = await eventually(async () => {
      const sql = await t.env.sql();
      try {
        const { rows } = await sql.query<{ id: string; seq: string }>('select id, seq from events where id = any($1::uuid[])', [appended.map((e) => e.id)]);
        return rows.length === appended.length ? new Map(rows.map((row) => [row.id, Number(row.seq)])) : undefined;
      } finally {
        await sql.end();
      }
    }, 15_000, 'the events to be sealed');
    const stored = appended.map((event) => ({ ...event, seq: seqs.get(event.id)! }));
    for (const projection of CATALOGUE_PROJECTIONS) {
      const expected = synthetic.flatMap(({ entry }, index) => (projection.appliesTo(entry) ? [{ entry, stored: stored[index] }] : []));
      const rows = await eventually(
        async () => {
          // asked for every event, so a type landing where it does not belong shows too
          const found = await projection.rows(t.env, stored.map((e) => e.id));
          return found.size >= expected.length ? found : undefined;
        },
        15_000,
        `${projection.name} to hold every declared type`,
      );
      expect([...rows.keys()].sort()).toEqual(expected.map((e) => e.stored.id).sort());
      for (const { entry, stored: event } of expected) {
        expect(event.type).toBe(entry.type);
        projection.check(rows.get(event.id)!, event, entry);
      }
    }
  });
});
