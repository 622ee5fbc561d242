import { Injectable } from '@nestjs/common';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import type { ClientBase, QueryResult } from 'pg';
import type { Actor } from '../../shared/actor';
import { EventCatalogue } from '../../shared/event-catalogue';
import { nextEventOrder, pullEvents, type DomainEvent } from '../../shared/domain-event';
import { flushInTransaction } from '../database/flush-in-transaction';
import { TENANT_FILTER } from '../database/tenant';
import { transactionConnection } from '../database/transaction-connection';
import { UserVersions } from '../security/user-versions';
import { EventStore, type AppendedEvent } from './event-store';

/** What a command's work sees: its own entity manager and a place to record events. */
export class CommandContext {
  private readonly recorded: { order: number; event: DomainEvent }[] = [];

  /** `manager` null: work of statements only, on `connection`, a transaction of its own (`UnitOfWork.runStatements`). */
  constructor(
    private readonly manager: EntityManager | null,
    private acting: Actor,
    private readonly connection: ClientBase | null = null,
  ) {}

  get em(): EntityManager {
    if (!this.manager) throw new Error("a command of statements only has no entity manager: run it with UnitOfWork.run");
    return this.manager;
  }

  /** Who the events are recorded as: the scope's actor, or whom the work found acting. */
  get actor(): Actor {
    return this.acting;
  }

  /**
   * For work that learns who acts from its own first statement (a refresh finds its user by
   * the token it spends): the events are recorded as `actor`.
   */
  actAs(actor: Actor): void {
    this.acting = actor;
  }

  /**
   * Runs a named statement, prepared once per connection, on the transaction's own connection:
   * for a command's writes that are plain statements of its own on every request (a sign-in's
   * session and last sign-in), where knex's raw query costs more than the statement itself.
   */
  async statement(name: string, text: string, values: unknown[]): Promise<number> {
    return (await this.prepared(name, text, values)).rowCount ?? 0;
  }

  /** `statement` for one that answers rows (a refresh token's spending, which also finds its session). */
  async rows<R extends object>(name: string, text: string, values: unknown[]): Promise<R[]> {
    return (await this.prepared<R>(name, text, values)).rows;
  }

  private async prepared<R extends object>(name: string, text: string, values: unknown[]): Promise<QueryResult<R>> {
    if (this.connection) return this.connection.query<R>({ name, text, values });
    const trx = this.em.getTransactionContext<Knex.Transaction>();
    if (!trx) throw new Error("a command's statement runs inside its transaction");
    return (await transactionConnection(trx)).query<R>({ name, text, values });
  }

  /** Records an event that belongs to no loaded aggregate (e.g. a failed sign-in). */
  record(event: DomainEvent): void {
    this.recorded.push({ order: nextEventOrder(), event });
  }

  collect(): DomainEvent[] {
    const fromAggregates = this.manager ? [...this.manager.getUnitOfWork().getIdentityMap()].flatMap((entity) => pullEvents(entity)) : [];
    return [...this.recorded.splice(0), ...fromAggregates].sort((a, b) => a.order - b.order).map((r) => r.event);
  }
}

/**
 * The users whose cached state a command's events changed: each event's subject, or the user
 * its payload names, unless the catalogue declares the event's type leaves those caches valid.
 */
export function usersConcerned(events: readonly AppendedEvent[], catalogue: EventCatalogue): string[] {
  const ids: string[] = [];
  for (const event of events) {
    if (!catalogue.changesUserCaches(event.type)) continue;
    if (event.subject.type === 'user' && event.subject.id) ids.push(event.subject.id);
    if (typeof event.payload.userId === 'string') ids.push(event.payload.userId);
  }
  return ids;
}

export class EventlessChangeError extends Error {
  constructor() {
    super('a command changed state without recording an event');
  }
}

/**
 * Runs `work` in a transaction of its own on `em`, a fork nobody else uses: committed when it
 * settles, rolled back on any throw (a failed COMMIT's included), as MikroORM's
 * `em.transactional()` does; `work` flushes what it changed itself. Not `em.transactional()`:
 * it runs MikroORM's TransactionContext, an AsyncLocalStorage.run, and on Node 20 the first
 * one turns promise hooks on for the whole process for good, so every request's every promise
 * pays for them afterwards (bench/README.md, ninth pass). Nothing here looks the transaction
 * up from an async context: it is on `em` (`setTransactionContext`), which `work` is given.
 */
export async function inTransaction<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  if (em.isInTransaction()) throw new Error('inTransaction() starts a transaction of its own');
  const connection = em.getConnection('write');
  const trx = await connection.begin();
  em.setTransactionContext(trx);
  try {
    const result = await work(em);
    await connection.commit(trx);
    return result;
  } catch (error) {
    // the work's error is the one to report; a rollback that fails too leaves knex to discard the connection
    await connection.rollback(trx).catch(() => undefined);
    throw error;
  } finally {
    em.resetTransactionContext();
  }
}

/**
 * Flushes what the unit of work holds, if anything, in the command's transaction: answers
 * whether there were changes to write. A command whose state change is all statements of its
 * own (a sign-in, a refresh) has none and writes nothing; one that changed entities writes
 * them without MikroORM's flush AsyncLocalStorage (flushInTransaction).
 */
export async function flushChanges(em: EntityManager): Promise<boolean> {
  const unitOfWork = em.getUnitOfWork();
  unitOfWork.computeChangeSets();
  const changed = unitOfWork.getChangeSets().length > 0;
  if (changed || unitOfWork.getCollectionUpdates().length > 0 || unitOfWork.getExtraUpdates().size > 0) await flushInTransaction(em);
  return changed;
}

export interface CommandScope {
  actor: Actor;
  /** The tenant the command runs in; null only for platform-level work that scopes itself. */
  organizationId: string | null;
}

/**
 * Runs one command: a fresh unit of work scoped to the tenant, one transaction in which
 * the state change is flushed and its events appended. A change with no event is refused.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    private readonly em: EntityManager,
    private readonly store: EventStore,
    private readonly versions: UserVersions,
    private readonly catalogue: EventCatalogue,
  ) {}

  async run<T>(
    scope: CommandScope,
    work: (context: CommandContext) => Promise<T>,
  ): Promise<{ result: T; events: AppendedEvent[] }> {
    const em = this.em.fork({ clear: true });
    if (scope.organizationId) em.setFilterParams(TENANT_FILTER, { organizationId: scope.organizationId });
    const { result, events } = await inTransaction(em, (tx) => this.complete(tx, scope, work));
    // what any instance keeps about these users (profiles, API keys) is stale from here on
    await this.versions.bump(usersConcerned(events, this.catalogue));
    return { result, events };
  }

  /**
   * `run` for a command whose state change is statements of its own (`CommandContext.statement`,
   * `rows`) on every request: a sign-in, a refresh. Its transaction is BEGIN and COMMIT on a
   * connection taken from the ORM's pool, without the fork, knex's per-transaction client and
   * its query runner, which cost more than the statements (bench/README.md, twenty-sixth pass);
   * `work` has no entity manager. The events are appended in the same transaction
   * (`EventStore.appendOn`).
   */
  async runStatements<T>(scope: CommandScope, work: (context: CommandContext) => Promise<T>): Promise<{ result: T; events: AppendedEvent[] }> {
    const pool = this.em.getConnection('write').getKnex().client as { acquireConnection(): Promise<ClientBase>; releaseConnection(connection: ClientBase): unknown };
    const connection = await pool.acquireConnection();
    let done: { result: T; events: AppendedEvent[] };
    try {
      done = await this.statementsOn(connection, scope, work);
    } finally {
      pool.releaseConnection(connection);
    }
    if (done.events.length) this.store.committed();
    await this.versions.bump(usersConcerned(done.events, this.catalogue));
    return done;
  }

  /** The work and its events in a transaction on `connection`. */
  private async statementsOn<T>(connection: ClientBase, scope: CommandScope, work: (context: CommandContext) => Promise<T>): Promise<{ result: T; events: AppendedEvent[] }> {
    await connection.query('begin');
    try {
      const context = new CommandContext(null, scope.actor, connection);
      const result = await work(context);
      const events = await this.store.appendOn(connection, context.actor, context.collect());
      await connection.query('commit');
      return { result, events };
    } catch (error) {
      // the work's error is the one to report; a connection that cannot roll back is not reused (knex's pool drops it)
      await connection.query('rollback').catch((rollbackError: unknown) => {
        (connection as ClientBase & { __knex__disposed?: unknown }).__knex__disposed = rollbackError;
      });
      throw error;
    }
  }

  /**
   * Runs a command's work inside a transaction its caller already holds (a positioned
   * consumer's pass), so the change and its events commit with the consumer's position; the
   * same rule as `run`: a change with no event is refused.
   */
  async within<T>(tx: EntityManager, scope: CommandScope, work: (context: CommandContext) => Promise<T>): Promise<{ result: T; events: AppendedEvent[] }> {
    if (!tx.isInTransaction()) throw new Error('within() joins a transaction the caller holds');
    return this.complete(tx, scope, work);
  }

  /** The work, its flush and its events, appended in the transaction: a change with no event is refused. */
  private async complete<T>(tx: EntityManager, scope: CommandScope, work: (context: CommandContext) => Promise<T>): Promise<{ result: T; events: AppendedEvent[] }> {
    const context = new CommandContext(tx, scope.actor);
    const result = await work(context);
    const changed = await flushChanges(tx);
    const domainEvents = context.collect();
    if (changed && !domainEvents.length) throw new EventlessChangeError();
    return { result, events: await this.store.append(tx, context.actor, domainEvents) };
  }

  /** A read-only unit of work scoped to the tenant (queries). */
  reader(organizationId: string | null): EntityManager {
    const em = this.em.fork({ clear: true });
    if (organizationId) em.setFilterParams(TENANT_FILTER, { organizationId });
    return em;
  }
}
