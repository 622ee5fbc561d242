// One server of the benchmark, in a process of its own (the harness pins it to one core):
// `node bench/server.js gatehouse` runs Gatehouse as built in dist/, `node bench/server.js bare`
// a bare NestJS route on the same platform (fastify), the baseline of every HTTP figure: `GET /bare`,
// and `POST /bare`, which answers a decision from its JSON body (authz-check's like-for-like floor).
// Sends its port to the parent over IPC when it listens.
require('reflect-metadata');
const { Body, Controller, Get, HttpCode, Module, Post } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

class BareController {
  bare() {
    return { ok: true };
  }

  decide(question) {
    return { allowed: typeof question?.action === 'string', reason: 'granted' };
  }
}
Controller()(BareController);
const method = (name) => [BareController.prototype, name, Object.getOwnPropertyDescriptor(BareController.prototype, name)];
Get('bare')(...method('bare'));
Post('bare')(...method('decide'));
HttpCode(200)(...method('decide'));
Body()(BareController.prototype, 'decide', 0);
class BareModule {}
Module({ controllers: [BareController] })(BareModule);

async function gatehouse() {
  const { createApp } = require('../dist/app.factory');
  const { loadConfig } = require('../dist/infrastructure/config/load-config');
  const { prepareDatabaseApart } = require('../dist/infrastructure/database/prepare-database');
  const { BootstrapService } = require('../dist/modules/organizations');
  const config = loadConfig(process.env);
  // as dist/main.js does: the migrations in a process of their own
  await prepareDatabaseApart();
  const app = await createApp(config);
  await app.get(BootstrapService).run();
  return app;
}

async function main() {
  const app = process.argv[2] === 'bare' ? await NestFactory.create(BareModule, new FastifyAdapter(), { logger: false }) : await gatehouse();
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send({ port: app.getHttpServer().address().port });
  const stop = async () => {
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
