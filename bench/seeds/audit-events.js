// The audit events of the audit goals (query, export, rebuild): 1,000,000 (BENCH_TINY: 5,000) in
// the default organization, 200 actors and subjects, six types, spread over the last 90 days,
// written set-wise (generate_series) in chunks of 100,000 with progress, and projected into
// the audit read models (audit_log, login_history, permission_changes) the same way, in one transaction that holds the stream's head (as bench/audit.js did).
// The hash chain is NOT valid (prev_hash and hash are zeros): no scenario verifies the chain, and
// hashing a million events here would cost more than everything it seeds. Events appended later
// chain on from the stream's head as usual.
const path = require('node:path');
// from the build, required when used: `npm run bench` builds after loading the scenarios
const readModels = () => require(path.join(__dirname, '..', '..', 'dist/modules/audit/projections/read-models'));

const CHUNK = 100_000;
/**
 * Every positioned consumer of the event store: the seeded events are history they have all
 * read (as the audit_log projection's rows say), so their positions move to the head with it.
 * Left at the bootstrap's, the security detector read the million events back after the seed
 * (≈ 7,000 a second for two to three minutes, on the servers' core) while the audit scenarios
 * measured, and an audit page's latency measured that catch-up.
 */
const CONSUMERS = ['audit_log', 'audit_webhooks', 'auth-events', 'security_detector'];
const TYPES = ['auth.login_succeeded', 'auth.login_failed', 'user.invited', 'user.role_changed', 'auth.mfa_verified', 'auth.refresh_token_rotated'];
/** The 200 actor (and subject) ids of the seeded events; scenarios filter on them. */
const ACTORS = Array.from({ length: 200 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

async function run({ sql, sizes, log }) {
  const { AUDIT_READ_MODELS, copyStatement } = readModels();
  const total = sizes.auditEvents;
  const {
    rows: [org],
  } = await sql.query("select id from organizations where slug = 'default'");
  // events the bootstrap appended: start once they are sealed and the projection has caught up with them, head held
  let head;
  const deadline = Date.now() + 30_000;
  for (;;) {
    await sql.query('begin');
    await sql.query('set local session_replication_role = replica');
    ({
      rows: [head],
    } = await sql.query('select last_seq::int as seq from event_streams where organization_id = $1 for update', [org.id]));
    const {
      rows: [position],
    } = await sql.query("select last_seq::int as seq from projection_positions where organization_id = $1 and projection = 'audit_log' for update", [org.id]);
    const projected = position?.seq ?? (await sql.query('select coalesce(max(seq), 0)::int as seq from audit_log where organization_id = $1', [org.id])).rows[0].seq;
    // nothing left to seal: the sealer waits on the head held here from now on
    const {
      rows: [pending],
    } = await sql.query('select count(*)::int as n from event_pending where organization_id = $1', [org.id]);
    if (pending.n === 0 && (!head || projected === head.seq)) break;
    await sql.query('rollback');
    if (Date.now() > deadline) throw new Error(`the audit_log projection did not reach the stream's head (${projected} of ${head.seq})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const start = head?.seq ?? 0;
  try {
    const started = Date.now();
    for (let done = 0; done < total; done += CHUNK) {
      const n = Math.min(CHUNK, total - done);
      await sql.query(
        `insert into events (id, organization_id, seq, type, actor, subject, payload, occurred_at, prev_hash, hash)
         select gen_random_uuid(), $1, $2 + g,
                ($5::text[])[1 + g % 6],
                jsonb_build_object('type','user','id',($3::text[])[1 + g % 200],'ip','203.0.113.' || (g % 250),'userAgent','bench','requestId',null),
                jsonb_build_object('type','user','id',($3::text[])[1 + (g * 7) % 200]),
                jsonb_build_object('n', g),
                now() - interval '90 days' + (g * interval '90 days' / $4),
                repeat('0', 64), repeat('0', 64)
           from generate_series($6::int + 1, $6::int + $7::int) g`,
        [org.id, start, ACTORS, total, TYPES, done, n],
      );
      // the read models as the projector writes them (dist/: the same SQL, one definition)
      for (const model of AUDIT_READ_MODELS) await sql.query(copyStatement(model).replace(/\?/g, (_, i, all) => `$${all.slice(0, i).split('?').length}`), [org.id, start + done, start + done + n]);
      log(`  ${(done + n).toLocaleString('en')}/${total.toLocaleString('en')} audit events (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    if (head) {
      await sql.query('update event_streams set last_seq = last_seq + $2 where organization_id = $1', [org.id, total]);
      await sql.query(
        `insert into projection_positions (projection, organization_id, last_seq) select unnest($3::text[]), $1, $2
         on conflict (projection, organization_id) do update set last_seq = greatest(projection_positions.last_seq, excluded.last_seq), updated_at = now()`,
        [org.id, start + total, CONSUMERS],
      );
    }
    await sql.query('commit');
  } catch (error) {
    await sql.query('rollback');
    throw error;
  }
  await sql.query('analyze events');
  for (const model of AUDIT_READ_MODELS) await sql.query(`analyze ${model.table}`);
  return { count: total, summary: `${total.toLocaleString('en')} audit events (hash chain not valid)` };
}

module.exports = { name: 'audit events', order: 30, ACTORS, TYPES, run };
