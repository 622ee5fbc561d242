import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsString, Matches, MaxLength } from 'class-validator';

export class CreateWebhookRequest {
  @ApiProperty({ example: 'https://siem.example.com/gatehouse', description: 'https, to a public address (unless WEBHOOK_ALLOW_PRIVATE_TARGETS)' })
  @IsString()
  @MaxLength(2000)
  url!: string;

  @ApiProperty({ example: ['auth.*', 'user.role_changed'], description: 'event types, prefixes such as `auth.*`, or `*` for all' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @Matches(/^(\*|[a-z_]+(\.[a-z_]+)*(\.\*)?)$/, { each: true, message: 'eventTypes must hold event types such as auth.login_failed, prefixes such as auth.*, or *' })
  eventTypes!: string[];
}
