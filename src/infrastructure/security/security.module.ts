import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AnonymousThrottleGuard } from './anonymous-throttle.guard';
import { PasswordHasher } from './password-hasher';
import { RateLimits } from './rate-limits';
import { Revocations } from './revocations';
import { parseEncryptionKey, SecretBox } from './secret-box';
import { UserVersions } from './user-versions';

@Global()
@Module({
  providers: [
    PasswordHasher,
    Revocations,
    UserVersions,
    RateLimits,
    AnonymousThrottleGuard,
    {
      provide: SecretBox,
      inject: [AppConfig],
      // the schema refuses a malformed key; main fills a missing one from the key file first
      useFactory: (config: AppConfig) => {
        const { encryptionKey } = config.values;
        if (encryptionKey === null) throw new Error('No encryption key: set ENCRYPTION_KEY, or start through withEncryptionKey.');
        return new SecretBox(parseEncryptionKey(encryptionKey));
      },
    },
  ],
  exports: [PasswordHasher, Revocations, UserVersions, SecretBox, RateLimits, AnonymousThrottleGuard],
})
export class SecurityModule {}
