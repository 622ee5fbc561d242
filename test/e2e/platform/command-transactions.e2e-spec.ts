import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { CommandBus } from '@nestjs/cqrs';
import { UnitOfWork, inTransaction } from '../../../src/infrastructure/event-store/unit-of-work';
import { CreateOrganizationCommand } from '../../../src/modules/organizations/commands/create-organization/create-organization.command';
import { systemActor } from '../../../src/shared/actor';
import { startTestApp, type TestApp } from '../../support/test-app';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../../support/test-env';

/** Where AsyncLocalStorage was entered while `action` ran: the first frames of each call. */
async function asyncContextsEntered(action: () => Promise<void>): Promise<string[]> {
  const entered: string[] = [];
  const spies = (['run', 'enterWith'] as const).map((method) => {
    const original = AsyncLocalStorage.prototype[method] as (...args: unknown[]) => unknown;
    return jest.spyOn(AsyncLocalStorage.prototype, method).mockImplementation(function (this: AsyncLocalStorage<unknown>, ...args: unknown[]) {
      entered.push(`${method}: ${new Error().stack?.split('\n').slice(2, 6).join(' <')}`);
      return original.apply(this, args);
    });
  });
  try {
    await action();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  return entered;
}

describe('command transactions', () => {
  let t: TestApp | undefined;
  let organizationId: string;

  beforeAll(async () => {
    // the api role alone, as production runs it: the workers' passes are not what is measured
    t = await startTestApp({ overrides: { APP_ROLE: 'api' } });
    organizationId = await t.env.organizationId();
  });

  afterAll(async () => {
    await t?.close();
  });

  // no worker runs here: a command's events stay in event_pending, unsealed
  const countEvents = (type: string): Promise<number> =>
    t!.env.scalar('select count(*) from event_pending where organization_id = $1 and type = $2', [organizationId, type]);

  const record = (organization: string, widgets: number) => ({
    type: 'team.dashboard_saved' as const,
    organizationId: organization,
    subject: { type: 'team', id: null },
    payload: { widgets },
  });

  // on Node 20 the first AsyncLocalStorage.run turns promise hooks on for the whole process, for good
  it('runs a sign-in, a refresh, GET /me and a command of statements without entering an AsyncLocalStorage', async () => {
    const api = t!.api;
    const uow = t!.app.get(UnitOfWork);
    const entered = await asyncContextsEntered(async () => {
      const signedIn = await api.post<{ accessToken: string; refreshToken: string }>('/api/v1/auth/login', { organization: 'default', email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      expect(signedIn.status).toBe(200);
      expect((await api.get('/api/v1/me', signedIn.body.accessToken)).status).toBe(200);
      expect((await api.post('/api/v1/auth/refresh', { refreshToken: signedIn.body.refreshToken })).status).toBe(200);
      const { events } = await uow.run({ actor: systemActor('statements'), organizationId }, async (context) => {
        await context.em.getConnection().execute('select pg_advisory_xact_lock(42)', [], 'run', context.em.getTransactionContext<Knex.Transaction>());
        context.record(record(organizationId, 1));
      });
      expect(events).toHaveLength(1);
    });
    expect(entered).toEqual([]);
  });

  // MikroORM's own flush runs in an AsyncLocalStorage (insideFlush): commands write their entities without it
  it('writes the entities of a command (an API key, a profile edit, a new organization) without entering an AsyncLocalStorage', async () => {
    const api = t!.api;
    const admin = await api.login('default', ADMIN_EMAIL, ADMIN_PASSWORD);
    let key = '';
    let otherId = '';
    const keysBefore = await countEvents('api_key.created');
    const entered = await asyncContextsEntered(async () => {
      const created = await api.post<{ key: string }>('/api/v1/me/api-keys', { name: 'no-async-context', scopes: ['account:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, admin);
      expect(created.status).toBe(201);
      key = created.body.key;
      const edited = await api.request('PATCH', '/api/v1/me', { body: { name: 'Renamed without hooks' }, token: admin });
      expect(edited.status).toBe(200);
      otherId = (await t!.app.get(CommandBus).execute(new CreateOrganizationCommand('No hooks', 'no-hooks', 'admin@no-hooks.example', systemActor(), { sendInvitation: false }))).id;
      const checked = await api.post<{ allowed: boolean }>('/api/v1/authz/check', { action: 'read', resource: { type: 'device', externalId: 'ext-1' } }, key);
      expect(checked.status).toBe(200);
    });
    expect(entered).toEqual([]);
    // written, and with their events
    expect((await api.get<{ name: string }>('/api/v1/me', key)).body.name).toBe('Renamed without hooks');
    expect(await t!.env.scalar("select count(*) from api_keys where name = 'no-async-context'")).toBe(1);
    expect(await countEvents('api_key.created')).toBe(keysBefore + 1);
    expect(await t!.env.scalar("select count(*) from users where organization_id = $1 and email_normalized = 'admin@no-hooks.example'", [otherId])).toBe(1);
    expect(await t!.env.scalar("select count(*) from event_pending where organization_id = $1 and type = 'organization.created'", [otherId])).toBe(1);
  });

  it('writes 50 parallel identical profile edits, each its own flush with its own event', async () => {
    const api = t!.api;
    const admin = await api.login('default', ADMIN_EMAIL, ADMIN_PASSWORD);
    const before = await countEvents('user.profile_updated');
    const edits = await Promise.all(Array.from({ length: 50 }, (_, n) => api.request('PATCH', '/api/v1/me', { body: { name: `Parallel ${n}` }, token: admin })));
    expect(edits.map((edit) => edit.status)).toEqual(Array.from({ length: 50 }, () => 200));
    expect(await countEvents('user.profile_updated')).toBe(before + 50);
    const { body } = await api.get<{ name: string }>('/api/v1/me', admin);
    expect(body.name).toMatch(/^Parallel \d+$/);
  });

  it('rolls a command back, its statements and its recorded events, when its work throws', async () => {
    const uow = t!.app.get(UnitOfWork);
    const before = await countEvents('team.dashboard_saved');
    await expect(
      uow.run({ actor: systemActor('failing'), organizationId }, async (context) => {
        await context.em
          .getConnection()
          .execute("update organizations set name = 'Renamed by a failing command' where id = ?", [organizationId], 'run', context.em.getTransactionContext<Knex.Transaction>());
        context.record(record(organizationId, 2));
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(await countEvents('team.dashboard_saved')).toBe(before);
    const sql = await t!.env.sql();
    try {
      const { rows } = await sql.query<{ name: string }>('select name from organizations where id = $1', [organizationId]);
      expect(rows[0].name).not.toBe('Renamed by a failing command');
    } finally {
      await sql.end();
    }
  });

  it('rolls back when the COMMIT itself fails, and hands the connection back usable', async () => {
    const em = t!.app.get(EntityManager);
    await em.getConnection().execute('create table if not exists deferred_check (id int unique deferrable initially deferred)');
    const attempt = inTransaction(em.fork(), async (tx) => {
      const trx = tx.getTransactionContext<Knex.Transaction>();
      // a deferred constraint is checked at COMMIT: the second row makes COMMIT fail
      await tx.getConnection().execute('insert into deferred_check (id) values (1), (1)', [], 'run', trx);
    });
    await expect(attempt).rejects.toThrow(/duplicate key/);
    // every pooled connection still works: as many commands as the pool holds, in parallel
    const uow = t!.app.get(UnitOfWork);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) => uow.run({ actor: systemActor(`after-${n}`), organizationId }, async (context) => context.record(record(organizationId, 100 + n)))),
    );
    expect(results.every((r) => r.events.length === 1)).toBe(true);
    const [{ n }] = await em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from deferred_check');
    expect(n).toBe(0);
  });

  describe('a command of statements only (runStatements)', () => {
    const bump = 'update organizations set version = version + 1 where id = $1';
    const version = (id: string): Promise<number> => t!.env.scalar('select version from organizations where id = $1', [id]);

    it('commits its statements and its events together on a pooled connection, with no entity manager', async () => {
      const uow = t!.app.get(UnitOfWork);
      const [before, eventsBefore] = [await version(organizationId), await countEvents('team.dashboard_saved')];
      const { result, events } = await uow.runStatements({ actor: systemActor('statements'), organizationId }, async (context) => {
        expect(() => context.em).toThrow('no entity manager');
        context.record(record(organizationId, 3));
        return context.statement('organizations.bump_version', bump, [organizationId]);
      });
      expect(result).toBe(1);
      expect(events.map((e) => [e.type, e.organizationId])).toEqual([['team.dashboard_saved', organizationId]]);
      expect(await version(organizationId)).toBe(before + 1);
      expect(await countEvents('team.dashboard_saved')).toBe(eventsBefore + 1);
    });

    it('rolls its statements and recorded events back when its work throws', async () => {
      const uow = t!.app.get(UnitOfWork);
      const [before, eventsBefore] = [await version(organizationId), await countEvents('team.dashboard_saved')];
      await expect(
        uow.runStatements({ actor: systemActor('failing'), organizationId }, async (context) => {
          await context.statement('organizations.bump_version', bump, [organizationId]);
          context.record(record(organizationId, 4));
          throw new Error('the work failed');
        }),
      ).rejects.toThrow('the work failed');
      expect(await version(organizationId)).toBe(before);
      expect(await countEvents('team.dashboard_saved')).toBe(eventsBefore);
    });

    it('rolls back when the COMMIT fails, and hands every pooled connection back usable', async () => {
      const uow = t!.app.get(UnitOfWork);
      await t!.app.get(EntityManager).getConnection().execute('create table if not exists deferred_check (id int unique deferrable initially deferred)');
      const attempt = uow.runStatements({ actor: systemActor('deferred'), organizationId }, async (context) => {
        context.record(record(organizationId, 5));
        await context.statement('deferred_check.twice', 'insert into deferred_check (id) values (1), (1)', []);
      });
      await expect(attempt).rejects.toThrow(/duplicate key/);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, n) => uow.runStatements({ actor: systemActor(`after-${n}`), organizationId }, async (context) => context.record(record(organizationId, 200 + n)))),
      );
      expect(results.every((r) => r.events.length === 1)).toBe(true);
      expect(await t!.env.scalar('select count(*) from deferred_check')).toBe(0);
    });

    it("appends an organization's first events without a stream head, running its work once", async () => {
      const uow = t!.app.get(UnitOfWork);
      const fresh = randomUUID();
      const sql = await t!.env.sql();
      try {
        await sql.query("insert into organizations (id, slug, name, created_at, updated_at) values ($1, $2, 'No stream yet', now(), now())", [fresh, `no-stream-${fresh.slice(0, 8)}`]);
      } finally {
        await sql.end();
      }
      let attempts = 0;
      const { events } = await uow.runStatements({ actor: systemActor('first'), organizationId: fresh }, async (context) => {
        attempts++;
        await context.statement('organizations.bump_version', bump, [fresh]);
        context.record(record(fresh, 6));
      });
      expect(attempts).toBe(1);
      expect(events.map((e) => [e.type, e.organizationId])).toEqual([['team.dashboard_saved', fresh]]);
      expect(await version(fresh)).toBe(2);
      // pending, for a worker's sealer, which creates the head when it chains the first event
      expect(await t!.env.scalar('select count(*) from event_pending where organization_id = $1', [fresh])).toBe(1);
    });
  });

  it('refuses a transaction inside one the caller already holds (within() joins it instead)', async () => {
    const fork = t!.app.get(EntityManager).fork();
    await expect(inTransaction(fork, (tx) => inTransaction(tx, async () => undefined))).rejects.toThrow('inTransaction() starts a transaction of its own');
    expect(fork.isInTransaction()).toBe(false);
  });
});
