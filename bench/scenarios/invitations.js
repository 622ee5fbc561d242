// Invitations: BENCH_INVITATIONS (10,000) through POST /api/v1/invitations/batch, 1,000 rows a
// request, through the harness's Gatehouse to the harness's SMTP sink. Reports the rate the API
// accepted and when the last mail arrived.
const http = require('node:http');

const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_BATCH_CONCURRENCY ?? 1);
const MAIL_TIMEOUT_MS = Number(process.env.BENCH_MAIL_TIMEOUT_SECONDS ?? 300) * 1000;

module.exports = {
  name: 'invitations',
  order: 110,
  title: 'invitations to a local SMTP sink',
  goal: 'accepted ≥ 500/s, last mail ≤ 60 s',
  async run(context) {
    const { lib, log } = context;
    const total = context.sizes.invitations;
    const batchSize = Math.min(BATCH_SIZE, total);
    const { sink, gatehouse: server } = context;
    sink.state.received = 0;
    let ticker = null;
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${context.admin.accessToken}` };
      const batches = [];
      for (let start = 0; start < total; start += batchSize) {
        batches.push(Array.from({ length: Math.min(batchSize, total - start) }, (_, i) => ({ email: `bench.invitee.${start + i}@example.com`, role: i % 2 ? 'Viewer' : 'Developer' })));
      }
      // the CPU of both processes, split at the last batch's answer (/proc): what accepting and what mailing cost
      const cpuOf = () => [context.gatehouse, context.worker].map((server) => (server ? lib.cpuSeconds(server.pid) : NaN));
      const cpuStart = cpuOf();
      const started = Date.now();
      const outcome = { invited: 0, failed: 0, requests: 0 };
      ticker = setInterval(() => log(`  ${((Date.now() - started) / 1000).toFixed(0)} s: ${outcome.requests}/${batches.length} batches answered; ${sink.state.received}/${total} mails delivered`), 1000);
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < batches.length) {
            const rows = batches[next++];
            const response = await lib.request(agent, server.port, 'POST', '/api/v1/invitations/batch', headers, JSON.stringify(rows));
            outcome.requests++;
            if (response.status !== 207) throw new Error(`batch refused: ${response.status} ${response.body.slice(0, 500)}`);
            for (const result of JSON.parse(response.body).results) {
              if (result.status === 'invited') outcome.invited++;
              else outcome.failed++;
            }
          }
        }),
      );
      const apiSeconds = (Date.now() - started) / 1000;
      const cpuAccepted = cpuOf();
      agent.destroy();
      log(`  API accepted ${outcome.invited} invitations (${outcome.failed} refused) in ${apiSeconds.toFixed(1)} s`);
      const deadline = Date.now() + MAIL_TIMEOUT_MS;
      while (sink.state.received < outcome.invited && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const delivered = sink.state.received;
      const cpuEnd = cpuOf();
      const perInvitation = (from, to, i) => `${(((to[i] - from[i]) * 1000) / Math.max(outcome.invited, 1)).toFixed(2)} ms`;
      const cpu = `api ${perInvitation(cpuStart, cpuEnd, 0)} + worker ${perInvitation(cpuStart, cpuEnd, 1)} per invitation`;
      const mailSeconds = (sink.state.lastAt - started) / 1000;
      const rate = outcome.invited / apiSeconds;
      const allMail = delivered >= outcome.invited;
      return {
        figure: `${lib.perSecond(rate)} accepted; last mail after ${allMail ? `${mailSeconds.toFixed(1)} s` : `> ${(MAIL_TIMEOUT_MS / 1000).toFixed(0)} s (${delivered} of ${outcome.invited})`}`,
        baseline: '500/s, 60 s (absolute)',
        ratio: (rate / 500).toFixed(2),
        met: rate >= 500 && allMail && mailSeconds <= 60,
        cpu,
        notes:
          `${total.toLocaleString('en')} invitations in batches of ${batchSize}, ${CONCURRENCY} in flight; mail delivered at ${(delivered / Math.max(mailSeconds, 0.001)).toFixed(0)}/s; ` +
          `CPU per invitation while the API accepted: api ${perInvitation(cpuStart, cpuAccepted, 0)}, worker ${perInvitation(cpuStart, cpuAccepted, 1)}; ` +
          `until the last mail: api ${perInvitation(cpuAccepted, cpuEnd, 0)}, worker ${perInvitation(cpuAccepted, cpuEnd, 1)}`,
      };
    } finally {
      if (ticker) clearInterval(ticker);
    }
  },
};
