import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

export interface EventActor {
  type: 'user' | 'api_key' | 'system';
  id: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** An event in its exported form (DESIGN.md): what is hashed, exported and verified. */
export interface StoredEvent {
  id: string;
  organizationId: string;
  seq: number;
  type: string;
  actor: EventActor;
  subject: { type: string; id: string | null };
  payload: Record<string, unknown>;
  occurredAt: string;
  prevHash: string;
  hash: string;
}

/** Lowercase hex SHA-256 of the RFC 8785 canonical JSON of the event without `hash`. */
export function hashEvent(event: Omit<StoredEvent, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...unhashed } = event;
  const canonical = canonicalize(unhashed);
  if (canonical === undefined) throw new Error('event cannot be canonicalized');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** The canonical pieces of an event still to be chained: see `canonicalPieces`. */
export interface CanonicalPieces {
  prefix: string;
  middle: string;
  suffix: string;
}

/**
 * The canonical JSON of an event still to be chained, in the three pieces around its
 * `prevHash` and `seq` (which only the stream head's holder knows): the hash is then the
 * SHA-256 of `prefix + prevHash + middle + seq + suffix`, which PostgreSQL computes in the
 * statement that locks and moves the head. Built member by member as RFC 8785 orders an
 * object's members (keys sorted by UTF-16 code units, each value canonicalized), so the
 * whole is exactly `canonicalize` of the event with those two members (the spec compares
 * them): `prevHash` is a hex string and `seq` an integer, whose canonical forms are their
 * own text between quotes and as is.
 */
export function canonicalPieces(event: Omit<StoredEvent, 'hash' | 'seq' | 'prevHash'>): CanonicalPieces {
  const before: string[] = [];
  const between: string[] = [];
  const after: string[] = [];
  const fields = event as unknown as Record<string, unknown>;
  for (const key of Object.keys(fields).sort()) {
    const value = fields[key];
    // JCS, like JSON.stringify, leaves out members whose value is undefined (or a symbol)
    if (value === undefined || typeof value === 'symbol') continue;
    if (key === 'prevHash' || key === 'seq') throw new Error(`an event to chain has no ${key} yet`);
    const canonical = canonicalize(value);
    if (canonical === undefined) throw new Error('event cannot be canonicalized');
    const member = `${JSON.stringify(key)}:${canonical}`;
    (key < 'prevHash' ? before : key < 'seq' ? between : after).push(member);
  }
  return {
    prefix: `{${before.map((m) => `${m},`).join('')}"prevHash":"`,
    middle: `"${between.map((m) => `,${m}`).join('')},"seq":`,
    suffix: `${after.map((m) => `,${m}`).join('')}}`,
  };
}

/** The hash `canonicalPieces` stand for, once the event's place in the chain is known. */
export function hashPieces(pieces: CanonicalPieces, prevHash: string, seq: number): string {
  return createHash('sha256').update(`${pieces.prefix}${prevHash}${pieces.middle}${seq}${pieces.suffix}`, 'utf8').digest('hex');
}

export interface ChainCheck {
  valid: boolean;
  checked: number;
  firstBrokenSeq: number | null;
}

/**
 * Walks events in seq order and finds the first whose seq, link or hash is wrong.
 * `previous` is the event before the first one given (null when the first is seq 1).
 */
export class ChainVerifier {
  private checked = 0;
  private broken: number | null = null;

  constructor(private previous: { seq: number; hash: string } | null) {}

  add(event: StoredEvent): void {
    if (this.broken !== null) return;
    this.checked += 1;
    const expectedSeq = this.previous ? this.previous.seq + 1 : event.seq === 1 ? 1 : event.seq;
    const expectedPrev = this.previous ? this.previous.hash : event.seq === 1 ? GENESIS_HASH : event.prevHash;
    if (event.seq !== expectedSeq || event.prevHash !== expectedPrev || hashEvent(event) !== event.hash) {
      // a gap names the first missing event, not the one after it
      this.broken = Math.min(event.seq, expectedSeq);
    }
    this.previous = { seq: event.seq, hash: event.hash };
  }

  result(): ChainCheck {
    return { valid: this.broken === null, checked: this.checked, firstBrokenSeq: this.broken };
  }
}
