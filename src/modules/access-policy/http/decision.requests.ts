import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIP, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { RESOURCE_TYPE } from '../commands/register-resource/register-resource.request';
import { ACTION } from '../commands/set-resource-grants/set-resource-grants.request';

export class DecisionResourceRequest {
  @ApiProperty({ example: 'application' })
  @Matches(RESOURCE_TYPE, { message: 'resource.type must be a resource type' })
  type!: string;

  @ApiPropertyOptional({ description: 'our id of the resource' })
  @IsOptional()
  @IsUUID('all', { message: 'resource.id must be a UUID' })
  id?: string;

  @ApiPropertyOptional({ description: 'the calling service’s own id of it' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  externalId?: string;
}

export class DecisionRequest {
  @ApiPropertyOptional({ description: 'whom the question is about; absent: the caller. Others need authz:check' })
  @IsOptional()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId?: string;

  @ApiProperty({ example: 'deploy' })
  @Matches(ACTION, { message: 'action must be a lower-case word' })
  action!: string;

  @ApiProperty({ type: DecisionResourceRequest })
  @IsObject({ message: 'resource must be an object { type, id? | externalId? }' })
  @ValidateNested()
  @Type(() => DecisionResourceRequest)
  resource!: DecisionResourceRequest;

  @ApiPropertyOptional({
    example: '203.0.113.7',
    description: 'the address the user acts from, as the asking service saw it; the IP allow-list is judged only when it is given',
  })
  @IsOptional()
  @IsIP(undefined, { message: 'ip must be an IPv4 or IPv6 address' })
  ip?: string;
}

export class DecisionBatchRequest {
  @ApiProperty({ type: [DecisionRequest], maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100, { message: 'checks holds at most 100 questions' })
  @ValidateNested({ each: true })
  @Type(() => DecisionRequest)
  checks!: DecisionRequest[];
}
