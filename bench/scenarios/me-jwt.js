// GET /api/v1/me with an access JWT: verify, revocation check, the user's profile.
module.exports = {
  name: 'me-jwt',
  order: 20,
  title: 'GET /api/v1/me with a JWT',
  goal: '≥ 0.30 of the bare route',
  async run(context) {
    const target = { server: context.gatehouse, path: '/api/v1/me', headers: { authorization: `Bearer ${context.admin.accessToken}` } };
    return context.lib.httpRow(await context.lib.compareToBare(context, 'GET /me (JWT)', target), 0.3);
  },
};
