// Preloaded (`node -r`) into a Gatehouse process of bench/statements.js: counts the statements it
// sends to PostgreSQL (pg's Client.query: the ORM's and the pool's) and the commands it sends to
// Redis (ioredis, BullMQ's included), by first word; answers { pg, redis } over IPC when asked
// ('round-trips', then reset). COUNT_TEXT=n: by the statement's first n characters instead.
const { Client } = require('pg');
const Redis = require('ioredis');

const counts = { pg: {}, redis: {} };
const textChars = Number(process.env.COUNT_TEXT ?? 0);
const count = (kind, name) => (counts[kind][name] = (counts[kind][name] ?? 0) + 1);

const query = Client.prototype.query;
Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : (config?.text ?? '');
  const name = config?.name ? `${config.name}: ` : '';
  count('pg', textChars ? `${name}${text.trim().replace(/\s+/g, ' ').slice(0, textChars)}` : text.trim().split(/\s+/)[0].toLowerCase() || '?');
  return query.call(this, config, ...rest);
};
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (command, ...rest) {
  const args = textChars && command?.args ? ` ${command.args.slice(0, 3).map(String).join(' ').slice(0, textChars)}` : '';
  count('redis', `${command?.name ?? '?'}${args}`);
  return sendCommand.call(this, command, ...rest);
};

process.on('message', (message) => {
  if (message !== 'round-trips') return;
  process.send({ roundTrips: counts });
  counts.pg = {};
  counts.redis = {};
});
