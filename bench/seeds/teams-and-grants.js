// Teams, their members, resources and resource grants (issue 12), written straight into the tables
// as multi-row INSERTs of 1,000 with progress: the benchmark measures decisions, not the commands
// that record grants. Every user of the organization is in two teams (one in 50 leads the
// first); four grants in five are to a user, one in five to a team; one in ten is time-boxed and
// one in ten has already lapsed (kept aside by an ability to explain a denial). Actions: read, deploy.
const { randomUUID } = require('node:crypto');

const BATCH = 1000;
const TYPES = ['application', 'device', 'dashboard', 'report', 'environment'];

/** Inserts `count` rows built by `row(i)` (an array of values) into `table (columns)`, 1,000 per statement. */
async function insertRows(sql, log, what, table, columns, count, row) {
  const started = Date.now();
  let reported = started;
  for (let done = 0; done < count; done += BATCH) {
    const n = Math.min(BATCH, count - done);
    const params = [];
    const values = [];
    for (let i = 0; i < n; i++) {
      const first = params.length;
      params.push(...row(done + i));
      values.push(`(${columns.map((_, c) => `$${first + c + 1}`).join(', ')})`);
    }
    await sql.query(`insert into ${table} (${columns.join(', ')}) values ${values.join(', ')}`, params);
    if (Date.now() - reported > 1000 || done + n === count) {
      reported = Date.now();
      log(`  ${done + n}/${count} ${what} (${((reported - started) / 1000).toFixed(1)} s)`);
    }
  }
}

module.exports = {
  name: 'teams and resource grants',
  order: 20,
  async run({ sql, sizes, log }) {
    const { rows: tables } = await sql.query(`select to_regclass('resource_grants') as grants`);
    if (!tables[0].grants) return { skipped: 'not available yet (issue 12)' };
    const [{ id: organizationId }] = (await sql.query(`select id from organizations where slug = 'default'`)).rows;
    const users = (await sql.query('select id from users where organization_id = $1 order by email_normalized', [organizationId])).rows.map((r) => r.id);
    const teamCount = sizes.teams;
    const resourceCount = sizes.resources;
    const teams = Array.from({ length: teamCount }, () => randomUUID());
    const resources = Array.from({ length: resourceCount }, () => randomUUID());
    const now = new Date();
    const days = (n) => new Date(now.getTime() + n * 86_400_000);

    await insertRows(sql, log, 'teams', 'teams', ['id', 'organization_id', 'name', 'created_at', 'updated_at'], teamCount, (i) => [
      teams[i],
      organizationId,
      `Team ${i}`,
      now,
      now,
    ]);
    // user n: team n mod T, and a second one always different from the first
    const teamsOf = (n) => {
      const first = n % teamCount;
      return teamCount > 1 ? [first, (first + 1 + (Math.floor(n / teamCount) % (teamCount - 1))) % teamCount] : [first];
    };
    const memberships = users.flatMap((userId, n) => teamsOf(n).map((t, k) => [teams[t], userId, organizationId, k === 0 && n % 50 === 0, now]));
    await insertRows(sql, log, 'team memberships', 'team_members', ['team_id', 'user_id', 'organization_id', 'lead', 'joined_at'], memberships.length, (i) => memberships[i]);
    await insertRows(sql, log, 'resources', 'resources', ['id', 'organization_id', 'type', 'external_id', 'name', 'created_at', 'updated_at'], resourceCount, (i) => [
      resources[i],
      organizationId,
      TYPES[i % TYPES.length],
      `ext-${i}`,
      `Resource ${i}`,
      now,
      now,
    ]);
    const actions = JSON.stringify(['read', 'deploy']);
    await insertRows(
      sql,
      log,
      'resource grants',
      'resource_grants',
      ['id', 'organization_id', 'resource_id', 'principal_type', 'principal_id', 'actions', 'expires_at', 'created_at'],
      sizes.grants,
      (g) => {
        const toTeam = g % 5 === 0;
        const expiresAt = g % 10 === 1 ? days(30) : g % 10 === 2 ? days(-1) : null;
        return [
          randomUUID(),
          organizationId,
          resources[g % resourceCount],
          toTeam ? 'team' : 'user',
          toTeam ? teams[(g / 5) % teamCount] : users[g % users.length],
          actions,
          expiresAt,
          now,
        ];
      },
    );
    const n = (value) => value.toLocaleString('en');
    return {
      count: sizes.grants,
      summary: `${n(teamCount)} teams (${n(memberships.length)} memberships), ${n(resourceCount)} resources, ${n(sizes.grants)} resource grants`,
    };
  },
};
