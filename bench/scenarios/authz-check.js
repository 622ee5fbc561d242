// POST /api/v1/authz/check: a service (the administrator's token) asks whether a member may deploy
// a resource they hold a grant on, against the bare route in the same run. The member's ability
// is cached after the first answer, so each request is the token's verification, the Redis stamp
// that keeps the cache honest, the decision and the organization's policies.

/** The member with the most live grants of their own, and one resource they hold a grant on. */
async function subjectOf(sql) {
  const { rows } = await sql.query(
    `with mine as (
       select g.principal_id as id, count(*) as grants
         from resource_grants g join users u on u.id::text = g.principal_id
        where g.principal_type = 'user' and g.expires_at is null and u.email_normalized <> 'admin@example.com'
        group by g.principal_id order by count(*) desc, g.principal_id limit 1)
     select mine.id, mine.grants, r.type, r.external_id
       from mine join resource_grants g on g.principal_type = 'user' and g.principal_id = mine.id and g.expires_at is null
       join resources r on r.id = g.resource_id and 'deploy' = any(select jsonb_array_elements_text(g.actions))
      order by r.external_id limit 1`,
  );
  if (!rows.length) throw new Error('no member holds a live resource grant: is the teams-and-grants seed available?');
  return rows[0];
}

module.exports = {
  name: 'authz-check',
  order: 40,
  seeds: ['users', 'teams and resource grants'],
  title: 'POST /api/v1/authz/check (cached ability, resource grant)',
  goal: '≥ 0.35 of the bare route',
  async run(context) {
    const { lib, log, gatehouse, admin, sql } = context;
    const subject = await subjectOf(sql);
    log(`  asking about a member with ${subject.grants} grant(s) of their own, to deploy ${subject.type} ${subject.external_id}`);
    const question = { userId: subject.id, action: 'deploy', resource: { type: subject.type, externalId: subject.external_id } };
    const first = await lib.json(gatehouse.port, 'POST', '/api/v1/authz/check', { token: admin.accessToken, body: question });
    if (first.status !== 200 || first.body.allowed !== true) throw new Error(`the check did not allow: ${first.status} ${JSON.stringify(first.body)}`);
    const target = {
      server: gatehouse,
      method: 'POST',
      path: '/api/v1/authz/check',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.accessToken}` },
      body: JSON.stringify(question),
    };
    const againstGet = await lib.compareToBare(context, 'POST /authz/check', target);
    const row = lib.httpRow(againstGet, 0.35);
    // the floor under the goal: a bare NestJS POST route that answers from the same JSON body
    const barePost = { method: 'POST', headers: { 'content-type': 'application/json' }, body: target.body };
    const likeForLike = await lib.compareToBare(context, 'POST /authz/check vs bare POST', target, barePost);
    const postOfGet = likeForLike.bare.perSecond / againstGet.bare.perSecond;
    row.notes =
      `against a bare POST route answering from the same JSON body (the same run, rounds of their own): ratio ${likeForLike.ratio.toFixed(3)} ` +
      `(bare POST ${lib.perSecond(likeForLike.bare.perSecond)}, ${lib.cpuPerRequest(likeForLike.bare)}/req; ours ${lib.cpuPerRequest(likeForLike.ours)}/req); ` +
      `the bare POST alone runs at ${postOfGet.toFixed(2)} of the bare GET`;
    return row;
  },
};
