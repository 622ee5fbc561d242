import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from '../../shared/clock';
import { IdGenerator, RandomIdGenerator } from '../../shared/ids';
import { AppConfig, type AppConfigValues } from './app-config';

/** The validated configuration and the injected clock and id generator, for every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(values: AppConfigValues): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: { values } satisfies AppConfig },
        { provide: Clock, useClass: SystemClock },
        { provide: IdGenerator, useClass: RandomIdGenerator },
      ],
      exports: [AppConfig, Clock, IdGenerator],
    };
  }
}
