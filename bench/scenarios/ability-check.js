// Decisions in process with a cached ability: the member the decision API is asked about, their
// role, teams and live grants read as Abilities reads them, built once into a UserAbility in a
// process pinned to the servers' core (bench/ability-rate.js), then asked in turn: a resource
// granted to them, one granted to a team of theirs, an unknown resource, and a role permission.
// An absolute goal per core.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const GOAL = 1_000_000;

async function inputsOf(sql) {
  const { rows: subjects } = await sql.query(
    `select u.id, u.organization_id, u.role, u.status, count(*) as grants
       from users u join resource_grants g on g.principal_type = 'user' and g.principal_id = u.id::text and g.expires_at is null
      where u.email_normalized <> 'admin@example.com'
      group by u.id order by count(*) desc, u.id limit 1`,
  );
  if (!subjects.length) throw new Error('no member holds a live resource grant: is the teams-and-grants seed available?');
  const [user] = subjects;
  const teams = (await sql.query('select team_id, lead from team_members where organization_id = $1 and user_id = $2', [user.organization_id, user.id])).rows;
  const grants = (
    await sql.query(
      `select g.id, g.resource_id, r.type, r.external_id, g.actions, g.expires_at, g.principal_type, g.principal_id
         from resource_grants g join resources r on r.id = g.resource_id and r.organization_id = g.organization_id
        where g.organization_id = $1
          and ((g.principal_type = 'user' and g.principal_id = $2)
            or (g.principal_type = 'team' and g.principal_id = any($3::text[]))
            or (g.principal_type = 'role' and g.principal_id = $4))`,
      [user.organization_id, user.id, teams.map((team) => team.team_id), user.role],
    )
  ).rows;
  const { ROLE_PERMISSIONS } = require(path.join(__dirname, '..', '..', 'dist/modules/access-policy/domain/roles'));
  return {
    userId: user.id,
    status: user.status,
    role: user.role,
    customRole: false,
    rolePermissions: ROLE_PERMISSIONS[user.role] ?? [],
    teams: teams.map((team) => ({ teamId: team.team_id, lead: team.lead })),
    grants: grants.map((row) => ({
      grantId: row.id,
      resourceId: row.resource_id,
      type: row.type,
      externalId: row.external_id,
      actions: row.actions,
      expiresAt: row.expires_at === null ? null : row.expires_at.toISOString(),
      principal: { type: row.principal_type, id: row.principal_id },
    })),
  };
}

function questionsOf(inputs) {
  const live = inputs.grants.filter((grant) => grant.expiresAt === null);
  const own = live.find((grant) => grant.principal.type === 'user');
  const team = live.find((grant) => grant.principal.type === 'team');
  return [
    { action: 'deploy', resource: { type: own.type, externalId: own.externalId } },
    ...(team ? [{ action: 'read', resource: { type: team.type, externalId: team.externalId } }] : []),
    { action: 'deploy', resource: { type: 'application', externalId: 'ext-unknown' } },
    { action: 'develop', resource: { type: 'application' } },
  ];
}

module.exports = {
  name: 'ability-check',
  order: 45,
  seeds: ['users', 'teams and resource grants'],
  title: 'in-process ability check, cached',
  goal: '≥ 1,000,000 checks/s',
  async run(context) {
    const { lib, log, rounds, seconds, sql } = context;
    const inputs = await inputsOf(sql);
    const questions = questionsOf(inputs);
    log(`  a ${inputs.role} in ${inputs.teams.length} team(s) with ${inputs.grants.length} grant(s) (own and through teams), ${questions.length} questions in turn`);
    const results = [];
    for (let round = 1; round <= rounds; round++) {
      const spec = JSON.stringify({ inputs, questions, seconds });
      const [command, args] = lib.pinned(lib.SERVER_CORE, process.execPath, [path.join(__dirname, '..', 'ability-rate.js'), spec]);
      const result = JSON.parse(execFileSync(command, args).toString());
      log(`  round ${round}/${rounds}: ${result.perSecond.toFixed(0)} checks/s (${(result.allowedShare * 100).toFixed(0)} % allowed, ${result.rules} rules)`);
      results.push(result);
    }
    const perSecond = lib.median(results.map((r) => r.perSecond));
    const latencyNs = 1e9 / perSecond;
    return {
      figure: `${lib.perSecond(perSecond)} per core`,
      baseline: `${GOAL.toLocaleString('en')}/s (absolute)`,
      ratio: (perSecond / GOAL).toFixed(2),
      met: perSecond >= GOAL,
      latency: `${latencyNs.toFixed(0)} ns per check`,
      notes: `one ability of ${results[0].rules} rules (${inputs.grants.length} grants, ${inputs.teams.length} teams, the ${inputs.role} role), asked ${questions.length} questions in turn (${(results[0].allowedShare * 100).toFixed(0)} % allowed)`,
    };
  },
};
