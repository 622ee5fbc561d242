/** The one command the batch sends: Redis's MGET, as ioredis answers it. */
export type Mget = (keys: string[]) => Promise<(string | null)[]>;

/** More keys than this in one turn are sent as more than one MGET, so no single reply grows without bound. */
export const MAX_KEYS_PER_MGET = 512;

interface Waiting {
  keys: readonly string[];
  resolve: (values: (string | null)[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads of plain keys asked for in the same turn of the event loop, sent as one MGET when the
 * turn's I/O is done (setImmediate). Every authenticated request reads its revocation marks and
 * user version with an MGET; under concurrency the requests parsed in one turn then share one
 * command, one socket write and one reply instead of paying a write each (a socket write was
 * the dearest thing such a request did). A read is only ever sent later than asked, never
 * earlier, so it sees every write this process sent before it; a failed MGET fails each read
 * in it, as its own would have.
 */
export class BatchedReads {
  private waiting: Waiting[] = [];
  private keyCount = 0;
  private scheduled = false;

  constructor(private readonly mget: Mget) {}

  read(keys: readonly string[]): Promise<(string | null)[]> {
    return new Promise((resolve, reject) => {
      if (this.keyCount + keys.length > MAX_KEYS_PER_MGET) this.flush();
      this.waiting.push({ keys, resolve, reject });
      this.keyCount += keys.length;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    const batch = this.waiting;
    this.waiting = [];
    this.keyCount = 0;
    this.scheduled = false;
    if (!batch.length) return;
    if (batch.length === 1) {
      const [only] = batch;
      this.mget([...only.keys]).then(only.resolve, only.reject);
      return;
    }
    const keys: string[] = [];
    for (const { keys: own } of batch) for (const key of own) keys.push(key);
    this.mget(keys).then(
      (values) => {
        let at = 0;
        for (const { keys: own, resolve } of batch) {
          resolve(values.slice(at, at + own.length));
          at += own.length;
        }
      },
      (error: unknown) => {
        for (const { reject } of batch) reject(error);
      },
    );
  };
}
