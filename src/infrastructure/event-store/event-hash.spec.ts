import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { canonicalPieces, ChainVerifier, GENESIS_HASH, hashEvent, hashPieces, type StoredEvent } from './event-hash';

function chain(count: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const unhashed = {
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
      organizationId: '11111111-1111-4111-8111-111111111111',
      seq,
      type: 'auth.login_succeeded',
      actor: { type: 'user' as const, id: 'u1', ip: '127.0.0.1', userAgent: null, requestId: 'r1' },
      subject: { type: 'user', id: 'u1' },
      payload: { method: 'password', n: seq },
      occurredAt: '2026-11-28T10:00:00.000Z',
      prevHash,
    };
    const event = { ...unhashed, hash: hashEvent(unhashed) };
    events.push(event);
    prevHash = event.hash;
  }
  return events;
}

describe(hashEvent.name, () => {
  it('hashes the JCS form: keys sorted, no whitespace, without the hash field', () => {
    const [event] = chain(1);
    const expectedJson =
      '{"actor":{"id":"u1","ip":"127.0.0.1","requestId":"r1","type":"user","userAgent":null},' +
      '"id":"00000000-0000-4000-8000-000000000001","occurredAt":"2026-11-28T10:00:00.000Z",' +
      '"organizationId":"11111111-1111-4111-8111-111111111111","payload":{"method":"password","n":1},' +
      `"prevHash":"${GENESIS_HASH}","seq":1,"subject":{"id":"u1","type":"user"},"type":"auth.login_succeeded"}`;
    expect(event.hash).toBe(createHash('sha256').update(expectedJson).digest('hex'));
    expect(hashEvent(event)).toBe(event.hash);
  });
});

/** Random JSON values: nested objects and arrays, unicode and escapes, numbers JCS renders specially, undefined members. */
function randomValue(random: () => number, depth: number): unknown {
  const strings = ['', 'plain', 'Zoë “quoted” \\ \u0001 😀', '\u2028\ud800', '"prevHash"', 'seq', '{"a":1}', '\n\t'];
  const numbers = [0, -0, 1, -1.5, 1e21, 1e-7, 123456789.125, Number.MAX_SAFE_INTEGER, 5e-324];
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const kind = depth > 2 ? Math.floor(random() * 4) : Math.floor(random() * 7);
  if (kind === 0) return pick(strings);
  if (kind === 1) return pick(numbers);
  if (kind === 2) return pick([true, false, null]);
  if (kind === 3) return undefined;
  if (kind === 4) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 5); i > 0; i--) object[pick([...strings, 'b', 'a', 'A', 'é', 'ä', '😀', 'Z'])] = randomValue(random, depth + 1);
  return object;
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe(canonicalPieces.name, () => {
  it('splits the canonical form around prevHash and seq so the pieces hash as the whole event does', () => {
    for (const event of chain(3)) {
      const { seq, prevHash, hash: _hash, ...rest } = event;
      const withUnicode = { ...rest, payload: { ...rest.payload, name: 'Zoë “quoted” \\ \u0001 😀', seq: 'x', prevHash: 'y' } };
      const pieces = canonicalPieces(withUnicode);
      expect(hashPieces(pieces, prevHash, seq)).toBe(hashEvent({ ...withUnicode, seq, prevHash }));
    }
  });

  it('joins to exactly the canonical JSON of the whole event, for any JSON payload and actor', () => {
    const random = seeded(9);
    const [{ seq: _seq, prevHash: _prev, hash: _hash, ...event }] = chain(1);
    for (let n = 0; n < 2000; n++) {
      const payload = { ...(randomValue(random, 0) as object), extra: randomValue(random, 1) } as Record<string, unknown>;
      const actor = { ...event.actor, userAgent: random() < 0.5 ? null : 'Zoë/1.0 “x”', requestId: random() < 0.3 ? (undefined as unknown as null) : 'r' };
      const subject = { type: 'user', id: random() < 0.2 ? null : 'u' };
      const unchained = { ...event, actor, subject, payload, type: random() < 0.5 ? event.type : 'ünïcode.type' };
      const seq = 1 + Math.floor(random() * 1e12);
      const prevHash = createHash('sha256').update(String(n)).digest('hex');
      const { prefix, middle, suffix } = canonicalPieces(unchained);
      expect(`${prefix}${prevHash}${middle}${seq}${suffix}`).toBe(canonicalize({ ...unchained, prevHash, seq }));
    }
  });

  it('refuses an event that already carries its place in the chain', () => {
    const [{ hash: _hash, ...event }] = chain(1);
    expect(() => canonicalPieces(event)).toThrow('an event to chain has no prevHash yet');
  });
});

describe(ChainVerifier.name, () => {
  it('accepts an intact chain', () => {
    const verifier = new ChainVerifier(null);
    chain(5).forEach((e) => verifier.add(e));
    expect(verifier.result()).toEqual({ valid: true, checked: 5, firstBrokenSeq: null });
  });

  it('reports the first event whose payload was altered', () => {
    const events = chain(5);
    events[2] = { ...events[2], payload: { method: 'sso', n: 3 } };
    const verifier = new ChainVerifier(null);
    events.forEach((e) => verifier.add(e));
    expect(verifier.result()).toMatchObject({ valid: false, firstBrokenSeq: 3 });
  });

  it('names a deleted event by its own seq, the first one missing', () => {
    const events = chain(5);
    events.splice(1, 1);
    const verifier = new ChainVerifier(null);
    events.forEach((e) => verifier.add(e));
    expect(verifier.result()).toMatchObject({ valid: false, firstBrokenSeq: 2 });
  });

  it('reports an event whose hash was recomputed after tampering, by its broken link', () => {
    const events = chain(4);
    const forged = { ...events[1], payload: { forged: true } };
    events[1] = { ...forged, hash: hashEvent(forged) };
    const verifier = new ChainVerifier(null);
    events.forEach((e) => verifier.add(e));
    expect(verifier.result()).toMatchObject({ valid: false, firstBrokenSeq: 3 });
  });

  it('checks a range that starts mid-chain against the event before it', () => {
    const events = chain(6);
    const verifier = new ChainVerifier({ seq: 3, hash: events[2].hash });
    events.slice(3).forEach((e) => verifier.add(e));
    expect(verifier.result()).toEqual({ valid: true, checked: 3, firstBrokenSeq: null });
  });
});
