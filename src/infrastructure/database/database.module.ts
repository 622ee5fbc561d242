import { Global, Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { AppConfig } from '../config/app-config';
import { HotReads } from './hot-reads';

/**
 * MikroORM on PostgreSQL. Entities are registered by their owning modules (forFeature);
 * there is no global context: each command or query forks its own unit of work. Reads on
 * every request's path go through HotReads instead.
 */
@Global()
@Module({
  imports: [
    MikroOrmModule.forRootAsync({
      inject: [AppConfig],
      driver: PostgreSqlDriver,
      useFactory: (config: AppConfig) => ({
        driver: PostgreSqlDriver,
        clientUrl: config.values.databaseUrl,
        autoLoadEntities: true,
        allowGlobalContext: false,
        registerRequestContext: false,
        forceUtcTimezone: true,
        pool: { min: 0, max: 10 },
        debug: false,
      }),
    }),
  ],
  providers: [HotReads],
  exports: [HotReads],
})
export class DatabaseModule {}
