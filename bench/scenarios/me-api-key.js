// GET /api/v1/me with a personal API key: the key's lookup, its owner, the profile.
module.exports = {
  name: 'me-api-key',
  order: 30,
  title: 'GET /api/v1/me with an API key',
  goal: '≥ 0.30 of the bare route',
  async run(context) {
    const target = { server: context.gatehouse, path: '/api/v1/me', headers: { authorization: `Bearer ${context.apiKey}` } };
    return context.lib.httpRow(await context.lib.compareToBare(context, 'GET /me (API key)', target), 0.3);
  },
};
