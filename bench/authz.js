// npm run bench:authz: the decision API for an organization of 10,000 users, 500 teams and
// 50,000 resource grants. Reports POST /api/v1/authz/check per second as a ratio to a bare
// NestJS route of the same run, and in-process checks per second with a cached ability.
// The organization is seeded straight into the tables (one INSERT … SELECT per table, with
// progress): the benchmark measures decisions, not the commands that record grants.
// BENCH_USERS, BENCH_TEAMS, BENCH_GRANTS and BENCH_SECONDS change the sizes.
const http = require('node:http');
const { log, request, build, benchEnvironment, startServer, adminToken } = require('./lib');
const { load } = require('./run');

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const TEAMS = Number(process.env.BENCH_TEAMS ?? 500);
const GRANTS = Number(process.env.BENCH_GRANTS ?? 50_000);
const RESOURCES = Math.max(1, Math.floor(GRANTS / 5));

async function seed(environment) {
  const sql = await environment.sql();
  try {
    const [{ id: org }] = (await sql.query("select id from organizations where slug = 'default'")).rows;
    const step = async (what, query, params) => {
      const started = Date.now();
      const { rowCount } = await sql.query(query, params);
      log(`  ${what}: ${rowCount} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    };
    log(`seeding ${USERS} users, ${TEAMS} teams, ${RESOURCES} resources and ${GRANTS} grants…`);
    await step(
      'users',
      `insert into users (id, organization_id, email, email_normalized, role, status, created_at, updated_at)
       select gen_random_uuid(), $1, 'u' || n || '@bench.example', 'u' || n || '@bench.example',
              (array['Developer','Viewer','Manager'])[1 + n % 3], 'active', now(), now()
         from generate_series(1, $2) n`,
      [org, USERS],
    );
    await step(
      'teams',
      `insert into teams (id, organization_id, name, parent_id, created_at, updated_at)
       select gen_random_uuid(), $1, 'team ' || n, null, now(), now() from generate_series(1, $2) n`,
      [org, TEAMS],
    );
    // every user in two teams
    await step(
      'memberships',
      `with u as (select id, row_number() over (order by id) as n from users where organization_id = $1 and email like '%@bench.example'),
            t as (select id, row_number() over (order by id) - 1 as n from teams where organization_id = $1)
       insert into team_members (team_id, user_id, organization_id, lead, joined_at)
       select t.id, u.id, $1, u.n % 50 = 0, now() from u join t on t.n in (u.n % $2, (u.n * 7 + 3) % $2)
       on conflict do nothing`,
      [org, TEAMS],
    );
    await step(
      'resources',
      `insert into resources (id, organization_id, type, external_id, name, created_at, updated_at)
       select gen_random_uuid(), $1, (array['application','device','dashboard','report','environment'])[1 + n % 5], 'ext-' || n, 'resource ' || n, now(), now()
         from generate_series(1, $2) n`,
      [org, RESOURCES],
    );
    // four in five grants to users, one in five to teams; some time-boxed, some already lapsed
    await step(
      'grants',
      `with r as (select id, row_number() over (order by id) - 1 as n from resources where organization_id = $1),
            u as (select id::text as id, row_number() over (order by id) - 1 as n from users where organization_id = $1 and email like '%@bench.example'),
            t as (select id::text as id, row_number() over (order by id) - 1 as n from teams where organization_id = $1)
       insert into resource_grants (id, organization_id, resource_id, principal_type, principal_id, actions, expires_at, created_at)
       select gen_random_uuid(), $1, r.id,
              case when s.g % 5 = 0 then 'team' else 'user' end,
              coalesce(t.id, u.id),
              '["read","deploy"]'::jsonb,
              case when s.g % 10 = 1 then now() + interval '30 days' when s.g % 10 = 2 then now() - interval '1 day' else null end,
              now()
         from generate_series(0, $2 - 1) as s(g)
         join r on r.n = s.g % $5
         left join t on s.g % 5 = 0 and t.n = s.g % $3
         left join u on s.g % 5 <> 0 and u.n = s.g % $4`,
      [org, GRANTS, TEAMS, USERS, RESOURCES],
    );
    await sql.query('analyze');
    // the user asked about: one with grants of their own and through their teams
    const [subject] = (
      await sql.query(
        `select g.principal_id as id, count(*) as grants, min(r.type) as type, min(r.external_id) as external_id
           from resource_grants g join resources r on r.id = g.resource_id
          where g.principal_type = 'user' and g.expires_at is null group by g.principal_id order by count(*) desc limit 1`,
      )
    ).rows;
    return { organizationId: org, subject };
  } finally {
    await sql.end();
  }
}

/** Checks per second against an ability built once, in this process, from the same rows. */
async function inProcess(environment, organizationId, userId, type, externalId) {
  const { UserAbility } = require('../dist/modules/access-policy/domain/user-ability');
  const sql = await environment.sql();
  let ability;
  try {
    const teams = (await sql.query('select team_id, lead from team_members where organization_id = $1 and user_id = $2', [organizationId, userId])).rows;
    const grants = (
      await sql.query(
        `select g.id, g.resource_id, r.type, r.external_id, g.actions, g.expires_at, g.principal_type, g.principal_id
           from resource_grants g join resources r on r.id = g.resource_id
          where g.organization_id = $1 and ((g.principal_type = 'user' and g.principal_id = $2) or (g.principal_type = 'team' and g.principal_id = any($3::text[])))`,
        [organizationId, userId, teams.map((team) => team.team_id)],
      )
    ).rows;
    ability = new UserAbility(
      {
        userId,
        status: 'active',
        role: 'Developer',
        customRole: false,
        rolePermissions: ['account:read', 'applications:develop', 'devices:manage'],
        teams: teams.map((team) => ({ teamId: team.team_id, lead: team.lead })),
        grants: grants.map((row) => ({
          grantId: row.id,
          resourceId: row.resource_id,
          type: row.type,
          externalId: row.external_id,
          actions: row.actions,
          expiresAt: row.expires_at,
          principal: { type: row.principal_type, id: row.principal_id },
        })),
      },
      Date.now(),
    );
  } finally {
    await sql.end();
  }
  const questions = [
    { action: 'deploy', resource: { type, externalId } },
    { action: 'deploy', resource: { type: 'application', externalId: 'ext-unknown' } },
    { action: 'develop', resource: { type: 'application' } },
  ];
  const iterations = 300_000;
  const started = process.hrtime.bigint();
  let allowed = 0;
  for (let i = 0; i < iterations; i++) if (ability.decide(questions[i % 3]).allowed) allowed++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: iterations / seconds, allowed };
}

async function main() {
  log('building…');
  build();
  const environment = benchEnvironment();
  log('starting Gatehouse and a bare NestJS route…');
  const server = await startServer(environment, { LOCKOUT_IP_MAX_FAILURES: '100000', RATE_LIMIT_ANONYMOUS_POINTS: '1000000' });
  try {
    const { organizationId, subject } = await seed(environment);
    log(`  asking about a user with ${subject.grants} grants of their own, on ${subject.type} ${subject.external_id}`);
    const token = await adminToken(server.ports.gatehouse);
    const json = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const body = JSON.stringify({ userId: subject.id, action: 'deploy', resource: { type: subject.type, externalId: subject.external_id } });
    const agent = new http.Agent({ keepAlive: true });
    const first = await request(agent, server.ports.gatehouse, 'POST', '/api/v1/authz/check', json, body);
    agent.destroy();
    if (first.status !== 200 || !JSON.parse(first.body).allowed) throw new Error(`the check did not allow: ${first.status} ${first.body}`);

    log('load:');
    const bare = await load('bare NestJS route', { port: server.ports.bare, path: '/bare' });
    const checks = await load('POST /api/v1/authz/check', { port: server.ports.gatehouse, method: 'POST', path: '/api/v1/authz/check', headers: json, body });
    const local = await inProcess(environment, organizationId, subject.id, subject.type, subject.external_id);
    log(`  in-process checks with a cached ability: ${local.perSecond.toFixed(0)}/s`);

    log('\nresults (ratios against baselines of this run):');
    console.table({
      'POST /authz/check / bare route': { ours: `${checks.toFixed(0)}/s`, baseline: `${bare.toFixed(0)}/s`, ratio: (checks / bare).toFixed(3) },
      'in-process checks (cached ability)': { ours: `${local.perSecond.toFixed(0)}/s`, baseline: '-', ratio: '-' },
    });
  } finally {
    await server.stop();
    await environment.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
