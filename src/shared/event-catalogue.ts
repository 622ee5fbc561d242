import { z } from 'zod/v4';

/**
 * Every event type's payload, by name. Empty here: each module's catalogue
 * (`src/modules/<module>/contracts/<module>.events.ts`) adds its types by module augmentation,
 * so `DomainEvent` is a union over every declared type and a recorded event is type-checked
 * against its declaration wherever it is written.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventPayloads {}

export type EventType = Extract<keyof EventPayloads, string>;
export type EventPayload<T extends EventType> = EventPayloads[T];

/** Narrows a stored event to a declared type, with that type's payload (for reactions). */
export function isEvent<E extends { type: string; payload: unknown }, T extends EventType>(event: E, type: T): event is E & { type: T; payload: EventPayloads[T] } {
  return event.type === type;
}

/** Which read models beyond the audit log an event feeds (login history, permission changes, security events). */
export type EventCategory = 'login' | 'permission' | 'security';

/** One event type as a module declares it. */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  /** What the event means, in one sentence for someone reading a SIEM. */
  description: string;
  /** The aggregate types the event is about (`subject.type`); the first is the usual one. */
  subject: readonly [string, ...string[]];
  /** The payload's shape: its TypeScript type and its JSON Schema both come from it. */
  payload: S;
  category?: EventCategory;
  /**
   * Set when the event provably changes nothing that is kept under the user's version
   * (UserVersions: the cached profile behind /me and API-key callers, the cached API-key
   * rows), e.g. a refresh token rotated or a refused sign-in: the unit of work then leaves
   * the version of the user it is about alone, and every instance keeps its caches. Leave
   * it unset when in doubt: an unset flag costs one Redis write, a wrong one a stale profile.
   */
  leavesUserCachesValid?: true;
}

/** The payload types a module's catalogue declares, for its `EventPayloads` augmentation. */
export type PayloadsOf<C extends ModuleEvents> = { [K in keyof C['definitions']]: z.input<C['definitions'][K]['payload']> };

export interface ModuleEvents<D extends Record<string, EventDefinition> = Record<string, EventDefinition>> {
  module: string;
  definitions: D;
}

/** The names one scheme allows: `<area>.<snake_case_past_participle>`, e.g. `user.invited`, `auth.login_failed`. */
export const EVENT_TYPE_NAME = /^[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*$/;

/** Declares a module's event types (see EventPayloads). */
export function defineEvents<const D extends Record<string, EventDefinition>>(module: string, definitions: D): ModuleEvents<D> {
  return { module, definitions };
}

/** A payload object: undeclared fields are drift, refused outside production. */
export const payload = z.strictObject;
export { z };

/** A whole JSON document kept as it is (a policy, a connection's settings): any object, typed as `object`. */
export function jsonObject(): z.ZodType<object, object> {
  return z.record(z.string(), z.unknown());
}

export interface CatalogueEntry {
  type: string;
  module: string;
  description: string;
  subject: readonly string[];
  category: EventCategory | null;
  leavesUserCachesValid: boolean;
  payload: z.ZodType;
}

export class UndeclaredEventTypeError extends Error {
  constructor(type: string) {
    super(`event type ${JSON.stringify(type)} is not declared in the event catalogue`);
  }
}

export class EventPayloadDriftError extends Error {
  constructor(type: string, problems: string[]) {
    super(`event ${type} does not match its declaration: ${problems.join('; ')}`);
  }
}

/**
 * Every event type of the application, built once from the modules' catalogues by the app
 * (src/event-catalogue.ts) and injected where events are appended, reacted to or published.
 */
export class EventCatalogue {
  private readonly byType = new Map<string, CatalogueEntry>();
  private readonly schemas = new Map<string, Record<string, unknown>>();

  constructor(modules: readonly ModuleEvents[]) {
    for (const { module, definitions } of modules) {
      for (const [type, definition] of Object.entries(definitions)) {
        if (this.byType.has(type)) throw new Error(`event type ${type} is declared twice`);
        if (!EVENT_TYPE_NAME.test(type)) throw new Error(`event type ${type} does not follow <area>.<snake_case>`);
        this.byType.set(type, {
          type,
          module,
          description: definition.description,
          subject: definition.subject,
          category: definition.category ?? null,
          leavesUserCachesValid: definition.leavesUserCachesValid === true,
          payload: definition.payload,
        });
      }
    }
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  get(type: string): CatalogueEntry | undefined {
    return this.byType.get(type);
  }

  /** Whether an event of this type may change what is cached under its user's version (true for an undeclared type). */
  changesUserCaches(type: string): boolean {
    return !this.byType.get(type)?.leavesUserCachesValid;
  }

  /** Every entry, by type name. */
  entries(): CatalogueEntry[] {
    return [...this.byType.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  types(): string[] {
    return this.entries().map((entry) => entry.type);
  }

  /** The declared types a webhook's `eventTypes` entry names: a type, a prefix such as `auth.*`, or `*`. */
  matching(pattern: string): string[] {
    if (pattern === '*') return this.types();
    if (pattern.endsWith('.*')) return this.types().filter((type) => type.startsWith(pattern.slice(0, -1)));
    return this.has(pattern) ? [pattern] : [];
  }

  /** Throws unless the type is declared (always: a cheap lookup). */
  assertDeclared(type: string): void {
    if (!this.byType.has(type)) throw new UndeclaredEventTypeError(type);
  }

  /** What is wrong with an event against its declaration; empty when it matches. */
  problems(event: { type: string; subject: { type: string }; payload: unknown }): string[] {
    const entry = this.byType.get(event.type);
    if (!entry) return [`type ${event.type} is not declared`];
    const problems: string[] = [];
    if (!entry.subject.includes(event.subject.type)) problems.push(`subject.type ${event.subject.type} is not one of ${entry.subject.join(', ')}`);
    // JSON drops undefined values exactly as storage does: validate what is stored
    const stored: unknown = JSON.parse(JSON.stringify(event.payload ?? {}));
    const result = entry.payload.safeParse(stored);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(`payload${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`);
    }
    return problems;
  }

  /** Throws EventPayloadDriftError when the event does not match its declaration. */
  validate(event: { type: string; subject: { type: string }; payload: unknown }): void {
    this.assertDeclared(event.type);
    const problems = this.problems(event);
    if (problems.length) throw new EventPayloadDriftError(event.type, problems);
  }

  /** The payload's JSON Schema (draft 2020-12), computed once. */
  payloadSchema(type: string): Record<string, unknown> {
    const cached = this.schemas.get(type);
    if (cached) return cached;
    const entry = this.byType.get(type);
    if (!entry) throw new UndeclaredEventTypeError(type);
    const { $schema: _dialect, ...schema } = tidy(
      z.toJSONSchema(entry.payload, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    ) as Record<string, unknown>;
    this.schemas.set(type, schema);
    return schema;
  }
}

/**
 * Noise to a reader, and outside OpenAPI 3.0: `z.number().int()` says "a safe integer" with two
 * 16-digit bounds, a record says its keys are strings (JSON's always are).
 */
function tidy(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(tidy);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(
        ([key, value]) =>
          !((key === 'minimum' && value === Number.MIN_SAFE_INTEGER) || (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) || key === 'propertyNames'),
      )
      .map(([key, value]) => [key, tidy(value)]),
  );
}

/**
 * The same schema in the dialect of OpenAPI 3.0 (which the API's document is written in):
 * `const` becomes a one-value `enum`, `null` alternatives become `nullable`.
 */
export function toOpenApiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApiSchema);
  if (!schema || typeof schema !== 'object') return schema;
  let source = schema as Record<string, unknown>;
  let nullable = false;
  const isNull = (s: unknown): boolean => !!s && typeof s === 'object' && (s as Record<string, unknown>).type === 'null';
  for (const key of ['anyOf', 'oneOf'] as const) {
    const alternatives = source[key];
    if (!Array.isArray(alternatives) || !alternatives.some(isNull)) continue;
    const { [key]: _alternatives, ...rest } = source;
    const others = alternatives.filter((s) => !isNull(s)) as Record<string, unknown>[];
    source = others.length === 1 ? { ...rest, ...others[0] } : { ...rest, [key]: others };
    nullable = true;
  }
  if (Array.isArray(source.type) && (source.type as string[]).includes('null')) {
    const types = (source.type as string[]).filter((t) => t !== 'null');
    source = { ...source, type: types.length === 1 ? types[0] : types };
    nullable = true;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === '$schema') continue;
    if (key === 'const') out.enum = [value];
    // OpenAPI 3.0 schemas know one `example`, not JSON Schema's `examples`
    else if (key === 'examples' && Array.isArray(value)) out.example = value[0];
    else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, toOpenApiSchema(property)]));
    } else out[key] = toOpenApiSchema(value);
  }
  if (out.type === 'null') {
    delete out.type;
    out.enum = [null];
    nullable = true;
  }
  if (nullable) out.nullable = true;
  return out;
}

/**
 * A payload that satisfies a JSON Schema, made from it alone (every property present, the
 * first of every choice): the synthetic events the catalogue's tests append, and the
 * examples of the published page.
 */
export function examplePayload(schema: unknown): unknown {
  if (!schema || typeof schema !== 'object') return null;
  const s = schema as Record<string, unknown>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if ('default' in s) return s.default;
  const choices = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(choices)) {
    const nonNull = choices.find((c) => !!c && typeof c === 'object' && (c as Record<string, unknown>).type !== 'null');
    return examplePayload(nonNull ?? choices[0]);
  }
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== 'null') : (s.type as string | undefined);
  switch (type ?? 'unknown') {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, examplePayload(property)]));
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 1;
      return Array.from({ length: Math.max(1, min) }, () => examplePayload(s.items));
    }
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    case 'string':
      return exampleString(s);
    default:
      return null;
  }
}

function exampleString(s: Record<string, unknown>): string {
  switch (s.format) {
    case 'uuid':
      return '00000000-0000-4000-8000-000000000001';
    case 'date-time':
      return '2026-01-01T00:00:00.000Z';
    case 'uri':
      return 'https://siem.example.com/hook';
    case 'ipv4':
      return '192.0.2.10';
    default:
      return typeof s.minLength === 'number' && s.minLength > 7 ? 'x'.repeat(s.minLength) : 'example';
  }
}
