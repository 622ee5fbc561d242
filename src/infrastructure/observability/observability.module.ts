import { Global, Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';
import { MetricsService } from './metrics.service';
import { MetricsTokenGuard } from './metrics-token.guard';

@Global()
@Module({})
export class ObservabilityModule {
  /** `metricsOnAppPort`: false when METRICS_PORT serves /metrics elsewhere, so the app's port has none. */
  static register(options: { metricsOnAppPort: boolean }): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [HealthController, ...(options.metricsOnAppPort ? [MetricsController] : [])],
      providers: [MetricsService, MetricsServer, MetricsTokenGuard],
      exports: [MetricsService],
    };
  }
}
