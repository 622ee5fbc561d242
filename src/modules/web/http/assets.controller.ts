import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public, Throttle } from '../../../shared/decorators';
import { PageRenderer } from '../pages/page-renderer';

/** The pages' one stylesheet, read once at start. */
@ApiExcludeController()
@Controller('assets')
export class AssetsController {
  constructor(private readonly renderer: PageRenderer) {}

  @Public()
  @Throttle('none')
  @Get('gatehouse.css')
  async stylesheet(@Res() reply: FastifyReply): Promise<void> {
    await reply.header('Content-Type', 'text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(this.renderer.stylesheet);
  }
}
