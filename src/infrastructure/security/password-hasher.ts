import { availableParallelism } from 'node:os';
import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { BoundedConcurrency } from '../../shared/bounded-concurrency';
import { DomainError } from '../../shared/domain-error';
import { AppConfig } from '../config/app-config';

// One hash at a time per core this process may run on: more only share the cores and add
// 19 MiB each.
const HASHING_SLOTS = Math.max(1, availableParallelism());
// The waiting room is sized by time, not by count: an admitted sign-in should expect to wait
// at most this long for its turn, from the hash time measured here (a costlier hash or a busier
// core, where each hash takes longer, leaves fewer places), and never fewer than three places a
// slot, so a handful of sign-ins at once (a team arriving at nine) waits a few hashes rather
// than being refused. Past that a sign-in is answered 503 at once, the expected wait as
// Retry-After: it waits at most a few hash times, not for the whole backlog. The room is sized on
// arrival from hashes already done; when the hashes ahead turn out slower (a flood of refusals
// starting shares the core with them), a sign-in whose turn comes past its bound (maxWaitMs) is
// answered 503 then rather than verified late.
export const MAX_EXPECTED_WAIT_MS = 150;
const MIN_WAITING_PER_SLOT = 3;
const MAX_WAITING_PER_SLOT = 16;
// until a hash was timed: the OWASP-strength cost on a modest core (STACK.md: ≈ 45 ms)
const ASSUMED_HASH_MS = 45;
const SMOOTHING = 0.2;

export class PasswordHashingBusyError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('AUTH.BUSY', 'unavailable', 'Too many sign-ins at once; try again in a moment', [], retryAfterSeconds);
  }
}

/**
 * The waiting room of a pool of `slots` hashes: its size from the time a hash takes (a moving
 * average of the measured ones), so the expected wait of the last one admitted stays within
 * MAX_EXPECTED_WAIT_MS; and the Retry-After of a refusal, the time the queue ahead needs.
 */
export class HashingCapacity {
  private hashMs = ASSUMED_HASH_MS;

  constructor(private readonly slots: number) {}

  /** A hash took `ms` on its slot (from its start to its end, as a waiting one would see it). */
  observe(ms: number): void {
    this.hashMs += SMOOTHING * (ms - this.hashMs);
  }

  get averageHashMs(): number {
    return this.hashMs;
  }

  /** How many may wait for a slot: each waits for those ahead of it, `slots` at a time. */
  waitingRoom(): number {
    const perSlot = Math.floor(MAX_EXPECTED_WAIT_MS / Math.max(this.hashMs, 1));
    return this.slots * Math.min(MAX_WAITING_PER_SLOT, Math.max(MIN_WAITING_PER_SLOT, perSlot));
  }

  /**
   * The longest an admitted one may wait for its slot: what the room promises (the bound, or the
   * three places a slot always has), and one hash time more, for the estimate a hash behind.
   */
  maxWaitMs(): number {
    return Math.max(MAX_EXPECTED_WAIT_MS, MIN_WAITING_PER_SLOT * this.hashMs) + this.hashMs;
  }

  /** Whole seconds until the hashes running and waiting now are done (at least 1). */
  retryAfterSeconds(queued: number): number {
    return Math.max(1, Math.ceil(((queued / this.slots + 1) * this.hashMs) / 1000));
  }
}

/** The admission the login route's onRequest hook took for the request (app.factory.ts). */
export const SIGN_IN_ADMISSION = Symbol('sign-in admission');

/** A sign-in's place in the hashing pool: its one verify, or its release when it ends before. */
export interface SignInAdmission {
  verify(hash: string | null, password: string): Promise<boolean>;
  release(): void;
}

/**
 * argon2id hashing on a bounded pool of its own: hashes run on libuv's threads, at most one
 * per core, and a waiting room in front sized by the measured hash time (HashingCapacity), so
 * a burst of sign-ins waits a bounded time there (or is refused) rather than piling onto the
 * threads every other request's I/O needs. A verify against a fixed dummy hash keeps unknown
 * accounts as slow as known ones.
 */
@Injectable()
export class PasswordHasher {
  private dummy: Promise<string> | null = null;
  // auth.passwordHash: OWASP's argon2id recommendation (19 MiB, 2 iterations, 1 lane) unless
  // a test lowers it; production refuses less
  private readonly options: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number; parallelism: 1 };
  private readonly capacity = new HashingCapacity(HASHING_SLOTS);
  /** Sign-ins admitted and not yet through their verify. */
  private admitted = 0;
  private readonly pool: BoundedConcurrency = new BoundedConcurrency(
    HASHING_SLOTS,
    () => this.capacity.waitingRoom(),
    () => new PasswordHashingBusyError(this.capacity.retryAfterSeconds(this.pool.queued)),
    { maxWaitMs: () => this.capacity.maxWaitMs() },
  );

  constructor(config: AppConfig) {
    const { memoryKiB, iterations } = config.values.auth.passwordHash;
    this.options = { type: argon2.argon2id, memoryCost: memoryKiB, timeCost: iterations, parallelism: 1 };
  }

  hash(password: string): Promise<string> {
    return this.pool.run(() => this.timed(argon2.hash(password, this.options)));
  }

  /**
   * Admits a sign-in to the hashing pool, or refuses it at once, as busy: called before any
   * other work of the sign-in (reads, brute-force reservations), so a burst past capacity costs
   * little to answer. The admission holds its place from here until its verify is done (or it
   * is released unused), so sign-ins still reading their account count against the room as
   * those already waiting do. Every sign-in asks, whatever its account: no enumeration.
   */
  admit(): SignInAdmission {
    const busy = this.busy();
    if (busy) throw busy;
    return this.place();
  }

  private place(): SignInAdmission {
    this.admitted++;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      this.admitted--;
    };
    return {
      verify: async (hash, password) => {
        try {
          return await this.verify(hash, password);
        } finally {
          release();
        }
      },
      release,
    };
  }

  /**
   * As `admit`, answering how long to wait instead of throwing: for the route's onRequest hook,
   * where a refusal past capacity must cost a few µs (no Error and its stack captured).
   */
  tryAdmit(): SignInAdmission | { retryAfterSeconds: number } {
    const retryAfterSeconds = this.refusedFor();
    return retryAfterSeconds === null ? this.place() : { retryAfterSeconds };
  }

  /** The refusal a sign-in arriving now would get, or null while there is room (see admit). */
  busy(): PasswordHashingBusyError | null {
    const retryAfterSeconds = this.refusedFor();
    return retryAfterSeconds === null ? null : new PasswordHashingBusyError(retryAfterSeconds);
  }

  /** Whole seconds the hashes running and waiting now need, when there is no room; null while there is. */
  private refusedFor(): number | null {
    const full = this.admitted >= HASHING_SLOTS + this.capacity.waitingRoom() || !this.pool.hasRoom();
    if (!full) return null;
    const ahead = Math.max(this.admitted, this.pool.queued + HASHING_SLOTS) - HASHING_SLOTS;
    return this.capacity.retryAfterSeconds(ahead);
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    if (!hash) {
      this.dummy ??= argon2.hash('gatehouse-timing-equalizer', this.options);
      const dummy = await this.dummy;
      await this.pool.run(() => this.timed(argon2.verify(dummy, password))).catch((error: unknown) => {
        if (error instanceof PasswordHashingBusyError) throw error;
      });
      return false;
    }
    return this.pool.run(() => this.timed(argon2.verify(hash, password))).catch((error: unknown) => {
      if (error instanceof PasswordHashingBusyError) throw error;
      return false;
    });
  }

  /** Runs on a slot: its time sizes the waiting room. */
  private async timed<T>(work: Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work;
    } finally {
      this.capacity.observe(performance.now() - started);
    }
  }
}
