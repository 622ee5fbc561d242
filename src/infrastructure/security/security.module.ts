import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { PasswordHasher } from './password-hasher';
import { Revocations } from './revocations';
import { parseEncryptionKey, SecretBox } from './secret-box';

@Global()
@Module({
  providers: [
    PasswordHasher,
    Revocations,
    {
      provide: SecretBox,
      inject: [AppConfig],
      // the schema refuses a missing or malformed key before this runs
      useFactory: (config: AppConfig) => new SecretBox(parseEncryptionKey(config.values.encryptionKey!)),
    },
  ],
  exports: [PasswordHasher, Revocations, SecretBox],
})
export class SecurityModule {}
