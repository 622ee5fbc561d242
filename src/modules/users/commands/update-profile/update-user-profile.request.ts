import { ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/** The profile fields an administrator may edit for a user; validated by the command. */
export class UpdateUserProfileRequest {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 200 })
  @Allow()
  name?: unknown;

  @ApiPropertyOptional({ type: String, nullable: true, example: '+14155550123', description: 'E.164: + and 8 to 15 digits' })
  @Allow()
  phone?: unknown;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/Paris', description: 'an IANA time zone name' })
  @Allow()
  timezone?: unknown;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'en-GB', description: 'a BCP 47 language tag (stored canonicalized)' })
  @Allow()
  locale?: unknown;
}
