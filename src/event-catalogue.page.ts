import { describeCatalogue } from './modules/audit';
import { examplePayload, type EventCatalogue } from './shared/event-catalogue';

/** Where `npm run docs:events` writes the published catalogue, from the repository's root. */
export const EVENTS_PAGE_PATH = 'docs/events.md';

/**
 * docs/events.md: the event catalogue for people (security teams writing SIEM rules), made
 * from the same declarations the application records with. A unit test fails when it is stale.
 */
export function renderEventsPage(catalogue: EventCatalogue): string {
  const views = describeCatalogue(catalogue);
  const lines: string[] = [
    '# Gatehouse event types',
    '',
    '<!-- Generated from the modules\' event catalogues by `npm run docs:events`; do not edit by hand. -->',
    '',
    'Every change of state is recorded as an event in the hash-chained event store. Each event',
    'is `{ id, organizationId, seq, type, actor, subject, payload, occurredAt, prevHash, hash }`',
    '(see the README). This page lists every `type`, what it means, what its `subject` is and',
    'the JSON Schema (draft 2020-12) of its `payload`. The same catalogue is served by',
    '`GET /api/v1/audit/event-types` and is in the OpenAPI document (`EventPayload.<type>`,',
    '`AuditEventByType`). Names follow one scheme: `<area>.<snake_case_past_participle>`.',
    '',
    `${views.length} event types.`,
    '',
    '| type | module | category | meaning |',
    '| --- | --- | --- | --- |',
    ...views.map((v) => `| [\`${v.type}\`](#${anchor(v.type)}) | ${v.module} | ${v.category ?? ''} | ${v.description.replace(/\|/g, '\\|')} |`),
    '',
  ];
  for (const v of views) {
    lines.push(
      `## ${v.type}`,
      '',
      v.description,
      '',
      `Module \`${v.module}\`; subject ${v.subject.map((s) => `\`${s}\``).join(' or ')}${v.category ? `; category \`${v.category}\`` : ''}.`,
      '',
      ...fieldLines(v.payloadSchema),
      '',
      '<details><summary>payload schema and example</summary>',
      '',
      '```json',
      JSON.stringify(v.payloadSchema, null, 2),
      '```',
      '',
      '```json',
      JSON.stringify(examplePayload(v.payloadSchema), null, 2),
      '```',
      '',
      '</details>',
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function anchor(type: string): string {
  return type.replace(/[^a-z0-9_ -]/g, '');
}

function fieldLines(schema: Record<string, unknown>): string[] {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema.required ?? []) as string[]);
  const names = Object.keys(properties);
  if (!names.length) return ['No payload fields.'];
  return [
    '| field | type | required | meaning |',
    '| --- | --- | --- | --- |',
    ...names.map((name) => {
      const property = properties[name];
      return `| \`${name}\` | ${typeOf(property)} | ${required.has(name) ? 'yes' : 'no'} | ${(typeof property.description === 'string' ? property.description : '').replace(/\|/g, '\\|')} |`;
    }),
  ];
}

function typeOf(schema: Record<string, unknown>): string {
  if ('const' in schema) return `\`${JSON.stringify(schema.const)}\``;
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  const choices = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[] | undefined;
  if (Array.isArray(choices)) return choices.map(typeOf).join(' \\| ');
  if (schema.type === 'array') return `${typeOf((schema.items ?? {}) as Record<string, unknown>)}[]`;
  if (typeof schema.type === 'string') return schema.type;
  return 'any';
}
