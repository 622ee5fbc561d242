import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import type { Client } from 'pg';
import { eventually, startTestApp, type TestApp } from '../../support/test-app';

interface Checkpoint {
  id: string;
  organizationId: string;
  seq: number;
  hash: string;
  at: string;
  kid: string;
  reason: string;
  jws: string;
}

/** A compact JWS checked as a stranger would: the JWKS document and node's crypto, nothing of Gatehouse. */
function verifyWithJwks(jws: string, jwks: { keys: (JsonWebKey & { kid: string })[] }): Record<string, unknown> | null {
  const [header, payload, signature] = jws.split('.');
  const { alg, kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg: string; kid: string };
  const jwk = jwks.keys.find((key) => key.kid === kid);
  if (alg !== 'RS256' || !jwk) return null;
  const ok = verify('sha256', Buffer.from(`${header}.${payload}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature, 'base64url'));
  return ok ? (JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>) : null;
}

describe('signed checkpoints and verification', () => {
  let t: TestApp;
  let token: string;
  let sql: Client;

  /** What only the database's superuser could do: change the append-only table behind the triggers. */
  async function asSuperuser(statements: (sql: Client) => Promise<void>): Promise<void> {
    await sql.query('begin');
    try {
      await sql.query('set local session_replication_role = replica');
      await statements(sql);
      await sql.query('commit');
    } catch (error) {
      await sql.query('rollback');
      throw error;
    }
  }

  const verifyNow = async () => (await t.api.get<{ valid: boolean; firstBrokenSeq: number | null; checked: number }>('/api/v1/audit/verify', token)).body;

  beforeAll(async () => {
    t = await startTestApp({ overrides: { AUDIT_CHECKPOINT_INTERVAL_SECONDS: '1' } });
    token = await t.adminToken();
    sql = await t.env.sql();
  });

  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  it('signs the chain head periodically, with a key of the JWKS', async () => {
    const periodic = await eventually(async () => {
      const page = await t.api.get<{ items: Checkpoint[] }>('/api/v1/audit/checkpoints', token);
      return page.body.items.find((item) => item.reason === 'periodic');
    }, 10_000, 'a periodic checkpoint');
    const jwks = (await t.api.get<{ keys: (JsonWebKey & { kid: string })[] }>('/.well-known/jwks.json')).body;
    expect(verifyWithJwks(periodic.jws, jwks)).toEqual({ organizationId: periodic.organizationId, seq: periodic.seq, hash: periodic.hash, at: periodic.at });
  });

  it('signs on demand a checkpoint that verifies with nothing but the JWKS, over the hash of the event at its seq', async () => {
    const created = await t.api.post<Checkpoint>('/api/v1/audit/checkpoints', {}, token);
    expect(created.status).toBe(201);
    const jwks = (await t.api.get<{ keys: (JsonWebKey & { kid: string })[] }>('/.well-known/jwks.json')).body;
    const payload = verifyWithJwks(created.body.jws, jwks);
    expect(payload).toEqual({ organizationId: created.body.organizationId, seq: created.body.seq, hash: created.body.hash, at: created.body.at });
    expect(Object.keys(payload!).sort()).toEqual(['at', 'hash', 'organizationId', 'seq']);

    // the export's event at that seq carries that very hash, recomputable from its canonical form
    const exported = await t.api.request('GET', '/api/v1/audit/export?format=ndjson', { token });
    const events = exported.text.trim().split('\n').map((line) => JSON.parse(line) as { seq: number; hash: string });
    expect(events.find((event) => event.seq === created.body.seq)?.hash).toBe(created.body.hash);

    // tampering with the signed statement is seen by the same stranger's check
    const [header, , signature] = created.body.jws.split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, seq: created.body.seq + 5 })).toString('base64url');
    expect(verifyWithJwks(`${header}.${forged}.${signature}`, jwks)).toBeNull();

    const listed = await t.api.get<{ items: Checkpoint[] }>('/api/v1/audit/checkpoints?limit=1', token);
    expect(listed.body.items[0].id).toBe(created.body.id);
    expect(await verifyNow()).toMatchObject({ valid: true, firstBrokenSeq: null });
  });

  it('names the first broken seq of an altered event', async () => {
    await asSuperuser((db) => db.query(`update events set payload = payload || '{"x":1}' where seq = 3`).then(() => undefined));
    expect(await verifyNow()).toMatchObject({ valid: false, firstBrokenSeq: 3 });
    await asSuperuser((db) => db.query(`update events set payload = payload - 'x' where seq = 3`).then(() => undefined));
    expect(await verifyNow()).toMatchObject({ valid: true });
  });

  it('names a deleted event by its seq', async () => {
    const { rows } = await sql.query('select * from events where seq = 4');
    await asSuperuser((db) => db.query('delete from events where seq = 4').then(() => undefined));
    expect(await verifyNow()).toMatchObject({ valid: false, firstBrokenSeq: 4 });
    const row = rows[0] as Record<string, unknown>;
    const columns = Object.keys(row);
    await asSuperuser((db) =>
      db
        .query(`insert into events (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, columns.map((c) => (typeof row[c] === 'object' && row[c] !== null && !(row[c] instanceof Date) ? JSON.stringify(row[c]) : row[c])))
        .then(() => undefined),
    );
    expect(await verifyNow()).toMatchObject({ valid: true });
  });

  it('names the first of two reordered events', async () => {
    // (seq is unique row by row: through a free value)
    const swap = async (db: Client) => {
      await db.query('update events set seq = -5 where seq = 5');
      await db.query('update events set seq = 5 where seq = 6');
      await db.query('update events set seq = 6 where seq = -5');
    };
    await asSuperuser(swap);
    expect(await verifyNow()).toMatchObject({ valid: false, firstBrokenSeq: 5 });
    await asSuperuser(swap);
    expect(await verifyNow()).toMatchObject({ valid: true });
  });

  it('fails when the store ends before the last checkpoint, even with the stream head moved back to match', async () => {
    const checkpoint = (await t.api.post<Checkpoint>('/api/v1/audit/checkpoints', {}, token)).body;
    const keep = checkpoint.seq - 2;
    const { rows } = await sql.query<{ hash: string }>('select hash from events where seq = $1', [keep]);
    await asSuperuser(async (db) => {
      await db.query('delete from events where seq > $1', [keep]);
      await db.query('update event_streams set last_seq = $1, last_hash = $2', [keep, rows[0].hash]);
    });
    // the chain itself is whole: only the signed checkpoint knows it went further
    expect(await verifyNow()).toMatchObject({ valid: false, firstBrokenSeq: keep + 1 });
  });
});
