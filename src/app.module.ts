import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_CATALOGUE } from './event-catalogue';
import type { AppConfigValues } from './infrastructure/config/app-config';
import { ConfigModule } from './infrastructure/config/config.module';
import { DatabaseModule } from './infrastructure/database/database.module';
import { EventStoreModule } from './infrastructure/event-store/event-store.module';
import { MailModule } from './infrastructure/mail/mail.module';
import { ObservabilityModule } from './infrastructure/observability/observability.module';
import { QueueModule } from './infrastructure/queue/queue.module';
import { AnonymousThrottleGuard } from './infrastructure/security/anonymous-throttle.guard';
import { SecurityModule } from './infrastructure/security/security.module';
import { AccessPolicyModule, PermissionsGuard } from './modules/access-policy';
import { AuditModule } from './modules/audit';
import { AuthenticationGuard, AuthModule } from './modules/auth';
import { NotificationsModule } from './modules/notifications';
import { OrganizationsModule } from './modules/organizations';
import { TeamsModule } from './modules/teams';
import { UsersModule } from './modules/users';
import { requestValidationPipe } from './shared/request-validation';
import { WebModule } from './modules/web';
import { ProblemDetailsFilter } from './shared/problem-details.filter';

@Module({})
export class AppModule {
  static forRoot(config: AppConfigValues): DynamicModule {
    const workers = config.appRole !== 'api';
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        QueueModule,
        EventStoreModule.forRoot(EVENT_CATALOGUE),
        MailModule.register({ workers }),
        SecurityModule,
        ObservabilityModule.register({ metricsOnAppPort: config.metricsPort === null }),
        CqrsModule.forRoot(),
        AccessPolicyModule,
        NotificationsModule,
        UsersModule,
        TeamsModule,
        OrganizationsModule,
        AuthModule.register({ workers }),
        AuditModule.register({ workers }),
        WebModule,
      ],
      providers: [
        // anonymous floods are refused before anything else runs
        { provide: APP_GUARD, useExisting: AnonymousThrottleGuard },
        { provide: APP_GUARD, useExisting: AuthenticationGuard },
        { provide: APP_GUARD, useExisting: PermissionsGuard },
        // no global interceptor: Nest would wrap every route's handler in an async resource and an
        // rxjs pipe; what a handler refuses is recorded from the error path (RefusalObserver)
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useValue: requestValidationPipe() },
      ],
    };
  }
}
