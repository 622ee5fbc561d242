// Preloaded (`node -r`) into a Gatehouse process of bench/statements.js: counts the statements it
// sends to PostgreSQL (pg's Client.query: the ORM's and the pool's) and the commands it sends to
// Redis (ioredis, BullMQ's included), by first word; answers { pg, redis } over IPC when asked
// ('round-trips', then reset).
const { Client } = require('pg');
const Redis = require('ioredis');

const counts = { pg: {}, redis: {} };
const count = (kind, name) => (counts[kind][name] = (counts[kind][name] ?? 0) + 1);

const query = Client.prototype.query;
Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : (config?.text ?? '');
  count('pg', text.trim().split(/\s+/)[0].toLowerCase() || '?');
  return query.call(this, config, ...rest);
};
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (command, ...rest) {
  count('redis', command?.name ?? '?');
  return sendCommand.call(this, command, ...rest);
};

process.on('message', (message) => {
  if (message !== 'round-trips') return;
  process.send({ roundTrips: counts });
  counts.pg = {};
  counts.redis = {};
});
