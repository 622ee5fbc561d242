import type { Worker } from 'bullmq';
import type { RedisService } from './redis.service';

/**
 * Closes a BullMQ worker at shutdown. With Redis reachable it finishes the jobs in hand; a
 * worker that never reached Redis would wait for it forever on a graceful close (and hold
 * SIGTERM hostage), and it holds no job, so it is closed at once.
 */
export async function closeWorker(worker: Worker, redis: RedisService): Promise<void> {
  await worker.close(!(await redis.ping(500)));
}
