// The harness's SMTP sink: accepts every mail Gatehouse sends and counts them, and when the last came.
const { SMTPServer } = require('smtp-server');

async function startSink() {
  const state = { received: 0, lastAt: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        state.received++;
        state.lastAt = Date.now();
        callback();
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { state, port: server.server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}

module.exports = { startSink };
