// The organization's members: multi-row INSERTs of 1,000, sharing the administrator's password
// hash (so any of them can sign in with the benchmark password, at no hashing cost here).
const { randomUUID } = require('node:crypto');

const BATCH = 1000;
const ROLES = ['Developer', 'Developer', 'Developer', 'Viewer', 'Manager'];

module.exports = {
  name: 'users',
  order: 10,
  async run({ sql, sizes, log }) {
    const { rows } = await sql.query(`select organization_id, password_hash from users where email_normalized = 'admin@example.com'`);
    const [{ organization_id: organizationId, password_hash: passwordHash }] = rows;
    const started = Date.now();
    for (let done = 0; done < sizes.users; done += BATCH) {
      const n = Math.min(BATCH, sizes.users - done);
      const values = [];
      const params = [organizationId, passwordHash];
      for (let i = 0; i < n; i++) {
        const email = `member.${done + i}@example.com`;
        params.push(randomUUID(), email, ROLES[(done + i) % ROLES.length]);
        const p = params.length;
        values.push(`($${p - 2}, $1, $${p - 1}, $${p - 1}, 'Member ${done + i}', $2, $${p}, 'active', now(), now(), now())`);
      }
      await sql.query(
        `insert into users (id, organization_id, email, email_normalized, name, password_hash, role, status, created_at, updated_at, password_changed_at) values ${values.join(', ')}`,
        params,
      );
      if (Date.now() - started > 1000 || done + n === sizes.users) log(`  ${done + n}/${sizes.users} users`);
    }
    return { count: sizes.users };
  },
};
