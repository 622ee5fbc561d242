import { availableParallelism } from 'node:os';
import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { BoundedConcurrency } from '../../shared/bounded-concurrency';
import { DomainError } from '../../shared/domain-error';
import { AppConfig } from '../config/app-config';

// One hash at a time per core this process may run on: more only share the cores and add
// 19 MiB each. Waiting room for about a third of a second of work per core; past it a
// sign-in is answered 503 at once instead of queueing until every client times out.
const HASHING_SLOTS = Math.max(1, availableParallelism());
const WAITING_PER_SLOT = 8;

export class PasswordHashingBusyError extends DomainError {
  constructor() {
    super('AUTH.BUSY', 'unavailable', 'Too many sign-ins at once; try again in a moment', [], 1);
  }
}

/**
 * argon2id hashing on a bounded pool of its own: hashes run on libuv's threads, at most one
 * per core, and a bounded queue in front, so a burst of sign-ins waits there (or is refused)
 * rather than piling onto the threads every other request's I/O needs. A verify against a
 * fixed dummy hash keeps unknown accounts as slow as known ones.
 */
@Injectable()
export class PasswordHasher {
  private dummy: Promise<string> | null = null;
  // auth.passwordHash: OWASP's argon2id recommendation (19 MiB, 2 iterations, 1 lane) unless
  // a test lowers it; production refuses less
  private readonly options: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number; parallelism: 1 };
  private readonly pool = new BoundedConcurrency(HASHING_SLOTS, HASHING_SLOTS * WAITING_PER_SLOT, () => new PasswordHashingBusyError());

  constructor(config: AppConfig) {
    const { memoryKiB, iterations } = config.values.auth.passwordHash;
    this.options = { type: argon2.argon2id, memoryCost: memoryKiB, timeCost: iterations, parallelism: 1 };
  }

  hash(password: string): Promise<string> {
    return this.pool.run(() => argon2.hash(password, this.options));
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    if (!hash) {
      this.dummy ??= argon2.hash('gatehouse-timing-equalizer', this.options);
      const dummy = await this.dummy;
      await this.pool.run(() => argon2.verify(dummy, password)).catch((error: unknown) => {
        if (error instanceof PasswordHashingBusyError) throw error;
      });
      return false;
    }
    return this.pool.run(() => argon2.verify(hash, password)).catch((error: unknown) => {
      if (error instanceof PasswordHashingBusyError) throw error;
      return false;
    });
  }
}
