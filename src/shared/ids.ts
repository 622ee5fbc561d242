import { randomBytes, randomUUID } from 'node:crypto';

/** Ids and secrets come from here so tests may make them predictable. */
export abstract class IdGenerator {
  abstract uuid(): string;
  /** A URL-safe random secret of `bytes` bytes of entropy. */
  abstract secret(bytes?: number): string;
}

export class RandomIdGenerator extends IdGenerator {
  uuid(): string {
    return randomUUID();
  }

  secret(bytes = 32): string {
    return randomBytes(bytes).toString('base64url');
  }
}
