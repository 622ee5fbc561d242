import type { EntityManager } from '@mikro-orm/postgresql';

/** The members of MikroORM 6.6.16's UnitOfWork that its public `commit()` runs (non-public). */
interface UnitOfWorkInternals {
  working: boolean;
  doCommit(): Promise<void>;
  postCommitCleanup(): void;
}

/**
 * `em.flush()` inside the command's own transaction, minus the AsyncLocalStorage MikroORM
 * wraps it in. `UnitOfWork.commit()` runs `doCommit()` inside `insideFlush.run(true, …)`, a
 * module-level AsyncLocalStorage; on Node 20 the first `run()` turns promise hooks on for the
 * whole process for good, so after one command that changed an entity (an API key, the first
 * organization) every request's every promise paid for them (bench/README.md, ninth and
 * nineteenth passes). This is `commit()` as MikroORM 6.6.16 writes it without that storage:
 * its only reader, `insideFlush.getStore()`, skips an auto-flush and refuses a nested commit
 * from inside the flush's own async context (entity hooks, flush subscribers), and Gatehouse
 * registers neither hooks nor subscribers; a second flush of the same fork while this one runs
 * is refused here instead of queued (a command flushes once). The transaction is the caller's,
 * so `doCommit()` writes on it and starts none. flush-in-transaction.spec.ts pins the source
 * of `commit()` this copies: a MikroORM upgrade fails it until this is checked again.
 */
export async function flushInTransaction(em: EntityManager): Promise<void> {
  if (!em.isInTransaction()) throw new Error('flushInTransaction() writes inside the caller’s transaction');
  const unitOfWork = em.getUnitOfWork() as unknown as UnitOfWorkInternals;
  if (unitOfWork.working) throw new Error('a flush of this unit of work is already running');
  unitOfWork.working = true;
  try {
    await unitOfWork.doCommit();
  } finally {
    unitOfWork.postCommitCleanup();
    unitOfWork.working = false;
  }
}
