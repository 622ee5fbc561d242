import { Logger } from '@nestjs/common';
import type { RedisClient, RedisConnection, Worker } from 'bullmq';
import type { RedisService } from './redis.service';

/** How long a worker may take to finish its jobs in hand and close before it is abandoned. */
export const CLOSE_WITHIN_MS = 5000;
const RECONNECT_WITHIN_MS = 1000;
const logger = new Logger('QueueWorkers');

/** Whether the promise settles (either way) within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The worker's Redis clients that connected once (the forced close ends one still starting). */
async function connectedClients(worker: Worker): Promise<RedisClient[]> {
  const backend = worker.getBackend();
  const connections = [backend.connection, backend.blockingConnection].filter(
    (connection): connection is RedisConnection => connection?.status === 'ready',
  );
  return Promise.all(connections.map((connection) => connection.client));
}

/**
 * A client in its reconnect back-off reconnects now. Waiting for the jobs in hand (BullMQ's
 * pause, or its graceful close) disconnects the blocking client and waits for its `end`, but
 * ioredis's disconnect() during a back-off only clears the retry timer and never emits
 * `end`: right after a Redis restart, that wait lasted forever.
 */
function reconnectNow(client: RedisClient): Promise<void> {
  if (client.status !== 'reconnecting') return Promise.resolve();
  // clears the back-off's timer (it would reconnect a client closed meanwhile) and marks
  // the client as closing, so the close that follows ends it rather than reconnecting it
  client.disconnect();
  return client.connect();
}

/**
 * Closes a BullMQ worker at shutdown within about CLOSE_WITHIN_MS, so that nothing after
 * it (@nestjs/bullmq closes every worker once more, and waits for it) can hang. With Redis
 * reachable, the jobs in hand finish first; a job that does not finish in time is abandoned
 * and logged: its lock lapses and BullMQ's stalled-job check hands it to another worker
 * (every consumer is idempotent). A worker that cannot reach Redis could finish nothing.
 */
export async function closeWorker(worker: Worker, redis: RedisService, withinMs = CLOSE_WITHIN_MS): Promise<void> {
  if (await redis.ping(500)) {
    await settlesWithin(Promise.all((await connectedClients(worker)).map(reconnectNow)), RECONNECT_WITHIN_MS);
    // takes no new job and waits for the ones in hand
    if (!(await settlesWithin(worker.pause(), withinMs))) {
      logger.warn(`the ${worker.name} worker's jobs did not finish within ${withinMs} ms: abandoned, BullMQ's stalled-job check hands them to another worker`);
    }
  }
  // forced: waits for no job and no connection's end, so it cannot hang
  await worker.close(true);
}
