// Runs, in one child process, Gatehouse (built, from dist/) and a bare NestJS route on the
// same platform (fastify), so the benchmark can compare them on equal terms. Prints the
// ports as one JSON line when both listen.
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { createApp } = require('../dist/app.factory');
const { loadConfig } = require('../dist/infrastructure/config/load-config');
const { prepareDatabase } = require('../dist/infrastructure/database/prepare-database');
const { BootstrapService } = require('../dist/modules/organizations');

class BareController {
  bare() {
    return { ok: true };
  }
}
Controller()(BareController);
Get('bare')(BareController.prototype, 'bare', Object.getOwnPropertyDescriptor(BareController.prototype, 'bare'));
class BareModule {}
Module({ controllers: [BareController] })(BareModule);

async function main() {
  const config = loadConfig(process.env);
  await prepareDatabase(config.databaseUrl);
  const app = await createApp(config);
  await app.get(BootstrapService).run();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const bare = await NestFactory.create(BareModule, new FastifyAdapter(), { logger: false });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const port = (server) => server.getHttpServer().address().port;
  process.stdout.write(JSON.stringify({ gatehouse: port(app), bare: port(bare) }) + '\n');
  const stop = async () => {
    await bare.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`bench server failed: ${error.stack}\n`);
  process.exit(1);
});
