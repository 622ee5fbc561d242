import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { isIP, isString, isUUID, matches, maxLength } from 'class-validator';
import { requestValidationPipe } from '../../../shared/request-validation';
import { RESOURCE_TYPE } from '../commands/register-resource/register-resource.request';
import { ACTION } from '../commands/set-resource-grants/set-resource-grants.request';
import type { DecisionQuestion } from '../queries/decide/decide.query';
import { DecisionRequest } from './decision.requests';

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
 * property it does not declare); otherwise undefined.
 */
export function validQuestion(value: unknown): DecisionQuestion | undefined {
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
  return value as unknown as DecisionQuestion;
}

/**
 * The decision API's body, validated without class-transformer and class-validator's
 * metadata walk when it is valid (the usual case: about a tenth of a check's CPU); anything
 * else goes through the global pipe's validation of DecisionRequest, so a bad body is
 * refused with the same problem+json naming the same fields. The route's parameter is typed
 * by an interface, which the global pipe passes through untouched.
 */
@Injectable()
export class DecisionRequestPipe implements PipeTransform<unknown, Promise<DecisionQuestion>> {
  private readonly full = requestValidationPipe();

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<DecisionQuestion> {
    return validQuestion(value) ?? ((await this.full.transform(value, { ...metadata, metatype: DecisionRequest })) as DecisionQuestion);
  }
}
