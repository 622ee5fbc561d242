import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIP, IsObject, IsOptional, IsString, IsUUID, isIP, isString, isUUID, Matches, matches, MaxLength, maxLength, ValidateNested } from 'class-validator';
import { QUICK_CHECK } from '../../../shared/request-validation';
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

const QUESTION_KEYS = new Set(['userId', 'action', 'resource', 'ip']);
const RESOURCE_KEYS = new Set(['type', 'id', 'externalId']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key of Object.keys(value)) if (!allowed.has(key)) return false;
  return true;
}

/**
 * The question, when it passes every rule of DecisionRequest as the global pipe would judge
 * it (the same class-validator functions its decorators call, every value a string, no
 * property it does not declare); otherwise undefined, and the full validation judges it.
 * Without it the metadata walk was about a tenth of a decision's CPU.
 */
export function validQuestion(value: unknown): DecisionRequest | undefined {
  if (!isPlainObject(value) || !onlyKeys(value, QUESTION_KEYS)) return undefined;
  const { userId, action, resource, ip } = value;
  if (userId !== undefined && !isUUID(userId, 'all')) return undefined;
  // matches() is typed for strings but refuses anything else, as the decorator does
  if (!matches(action as string, ACTION)) return undefined;
  if (ip !== undefined && !isIP(ip)) return undefined;
  if (!isPlainObject(resource) || !onlyKeys(resource, RESOURCE_KEYS)) return undefined;
  if (!matches(resource.type as string, RESOURCE_TYPE)) return undefined;
  if (resource.id !== undefined && !isUUID(resource.id, 'all')) return undefined;
  if (resource.externalId !== undefined && !(isString(resource.externalId) && maxLength(resource.externalId, 200))) return undefined;
  return value as unknown as DecisionRequest;
}

export class DecisionRequest {
  static readonly [QUICK_CHECK] = validQuestion;

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
