import { UnitOfWork } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { flushInTransaction } from './flush-in-transaction';

const squeezed = (source: string): string => source.replace(/\s+/g, ' ').trim();

/** MikroORM 6.6.16's UnitOfWork.commit(), which flushInTransaction() reproduces without `insideFlush`. */
const COMMIT_6_6_16 = `async commit() {
  if (this.working) {
    if (insideFlush.getStore()) {
      throw errors_1.ValidationError.cannotCommit();
    }
    return new Promise((resolve, reject) => {
      this.flushQueue.push(() => {
        return insideFlush.run(true, () => {
          return this.doCommit().then(resolve, reject);
        });
      });
    });
  }
  try {
    this.working = true;
    await insideFlush.run(true, () => this.doCommit());
    while (this.flushQueue.length) {
      await this.flushQueue.shift()();
    }
  }
  finally {
    this.postCommitCleanup();
    this.working = false;
  }
}`;

function fakeUnitOfWork(doCommit: () => Promise<void>) {
  return { working: false, doCommit: jest.fn(doCommit), postCommitCleanup: jest.fn() };
}

function fakeEm(unitOfWork: object, inTransaction = true): EntityManager {
  return { isInTransaction: () => inTransaction, getUnitOfWork: () => unitOfWork } as unknown as EntityManager;
}

describe(flushInTransaction.name, () => {
  it('copies the commit() of the MikroORM it was written for: an upgrade must check it again', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect((require('@mikro-orm/core/package.json') as { version: string }).version).toBe('6.6.16');
    expect(squeezed(UnitOfWork.prototype.commit.toString())).toBe(squeezed(COMMIT_6_6_16));
    const internals = UnitOfWork.prototype as unknown as Record<string, unknown>;
    expect(typeof internals.doCommit).toBe('function');
    expect(typeof internals.postCommitCleanup).toBe('function');
    expect(String(internals.doCommit)).not.toContain('insideFlush');
  });

  it('commits the unit of work and cleans up after it', async () => {
    const unitOfWork = fakeUnitOfWork(async () => undefined);
    await flushInTransaction(fakeEm(unitOfWork));
    expect(unitOfWork.doCommit).toHaveBeenCalledTimes(1);
    expect(unitOfWork.postCommitCleanup).toHaveBeenCalledTimes(1);
    expect(unitOfWork.working).toBe(false);
  });

  it('cleans up when the write fails, and passes the failure on', async () => {
    const unitOfWork = fakeUnitOfWork(() => Promise.reject(new Error('duplicate key')));
    await expect(flushInTransaction(fakeEm(unitOfWork))).rejects.toThrow('duplicate key');
    expect(unitOfWork.postCommitCleanup).toHaveBeenCalledTimes(1);
    expect(unitOfWork.working).toBe(false);
  });

  it('refuses to flush outside the caller’s transaction (doCommit would start one of its own)', async () => {
    const unitOfWork = fakeUnitOfWork(async () => undefined);
    await expect(flushInTransaction(fakeEm(unitOfWork, false))).rejects.toThrow('inside the caller’s transaction');
    expect(unitOfWork.doCommit).not.toHaveBeenCalled();
  });

  it('refuses a second flush of the same unit of work while one runs', async () => {
    let finish!: () => void;
    const unitOfWork = fakeUnitOfWork(() => new Promise<void>((resolve) => (finish = resolve)));
    const em = fakeEm(unitOfWork);
    const first = flushInTransaction(em);
    await expect(flushInTransaction(em)).rejects.toThrow('already running');
    finish();
    await first;
    expect(unitOfWork.doCommit).toHaveBeenCalledTimes(1);
    expect(unitOfWork.working).toBe(false);
  });
});
