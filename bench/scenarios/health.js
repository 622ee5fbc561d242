// A public route: what every request pays before any work of its own (hooks, guards, logging).
module.exports = {
  name: 'health',
  order: 10,
  title: 'a public route (GET /health/live)',
  goal: '≥ 0.60 of the bare route',
  async run(context) {
    return context.lib.httpRow(await context.lib.compareToBare(context, 'GET /health/live', { server: context.gatehouse, path: '/health/live' }), 0.6);
  },
};
