import { createHash } from 'node:crypto';
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

describe(canonicalPieces.name, () => {
  it('splits the canonical form around prevHash and seq so the pieces hash as the whole event does', () => {
    for (const event of chain(3)) {
      const { seq, prevHash, hash: _hash, ...rest } = event;
      const withUnicode = { ...rest, payload: { ...rest.payload, name: 'Zoë “quoted” \\ \u0001 😀', seq: 'x', prevHash: 'y' } };
      const pieces = canonicalPieces(withUnicode, 'a1b2')!;
      expect(hashPieces(pieces, prevHash, seq)).toBe(hashEvent({ ...withUnicode, seq, prevHash }));
    }
  });

  it('declines an event whose own text holds the placeholder', () => {
    const [{ seq: _seq, prevHash: _prev, hash: _hash, ...event }] = chain(1);
    expect(canonicalPieces({ ...event, payload: { note: 'gh-prev-a1b2' } }, 'a1b2')).toBeNull();
    expect(canonicalPieces({ ...event, payload: { note: 'gh-seq-a1b2' } }, 'a1b2')).toBeNull();
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
