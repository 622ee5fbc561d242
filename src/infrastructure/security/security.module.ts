import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AnonymousThrottleGuard } from './anonymous-throttle.guard';
import { PasswordHasher } from './password-hasher';
import { RateLimits } from './rate-limits';
import { Revocations } from './revocations';
import { parseEncryptionKey, SecretBox } from './secret-box';

@Global()
@Module({
  providers: [
    PasswordHasher,
    Revocations,
    RateLimits,
    AnonymousThrottleGuard,
    {
      provide: SecretBox,
      inject: [AppConfig],
      // the schema refuses a missing or malformed key before this runs
      useFactory: (config: AppConfig) => new SecretBox(parseEncryptionKey(config.values.encryptionKey!)),
    },
  ],
  exports: [PasswordHasher, Revocations, SecretBox, RateLimits, AnonymousThrottleGuard],
})
export class SecurityModule {}
