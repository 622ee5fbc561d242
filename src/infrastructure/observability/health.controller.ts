import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyReply } from 'fastify';
import { Public, Throttle } from '../../shared/decorators';
import { RedisService } from '../queue/redis.service';

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly em: EntityManager,
    private readonly redis: RedisService,
  ) {}

  @Public()
  @Throttle('none')
  @Get('health/live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Throttle('none')
  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const [postgres, redis] = await Promise.all([this.postgresOk(), this.redis.ping()]);
    const ok = postgres && redis;
    await reply
      .status(ok ? 200 : 503)
      .send({ status: ok ? 'ok' : 'unavailable', checks: { postgres: postgres ? 'up' : 'down', redis: redis ? 'up' : 'down' } });
  }

  private async postgresOk(): Promise<boolean> {
    try {
      await Promise.race([
        this.em.fork().getConnection().execute('select 1'),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref()),
      ]);
      return true;
    } catch {
      return false;
    }
  }
}
