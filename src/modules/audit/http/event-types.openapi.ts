import { toOpenApiSchema, type EventCatalogue } from '../../../shared/event-catalogue';

/** The component name of one event type's payload schema in the OpenAPI document. */
export const payloadComponent = (type: string): string => `EventPayload.${type}`;

/**
 * The catalogue in the OpenAPI document: a payload schema per event type, and `AuditEventByType`,
 * the audit event as a union discriminated by `type` whose every member names its payload.
 */
export function eventCatalogueComponents(catalogue: EventCatalogue): Record<string, unknown> {
  const entries = catalogue.entries();
  const schemas: Record<string, unknown> = {};
  for (const entry of entries) {
    schemas[payloadComponent(entry.type)] = { ...(toOpenApiSchema(catalogue.payloadSchema(entry.type)) as object), description: entry.description };
  }
  const member = (type: string) => `AuditEvent.${type}`;
  for (const entry of entries) {
    schemas[member(entry.type)] = {
      allOf: [
        { $ref: '#/components/schemas/AuditEventResponse' },
        {
          type: 'object',
          required: ['type', 'payload'],
          properties: { type: { type: 'string', enum: [entry.type] }, payload: { $ref: `#/components/schemas/${payloadComponent(entry.type)}` } },
        },
      ],
    };
  }
  schemas.AuditEventByType = {
    description: 'An audit event, its payload shaped by its type (the catalogue: GET /api/v1/audit/event-types).',
    oneOf: entries.map((entry) => ({ $ref: `#/components/schemas/${member(entry.type)}` })),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(entries.map((entry) => [entry.type, `#/components/schemas/${member(entry.type)}`])),
    },
  };
  return schemas;
}
