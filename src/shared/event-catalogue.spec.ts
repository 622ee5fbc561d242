import {
  defineEvents,
  EventCatalogue,
  EventPayloadDriftError,
  examplePayload,
  jsonObject,
  payload,
  toOpenApiSchema,
  UndeclaredEventTypeError,
  z,
} from './event-catalogue';

const SAMPLE = defineEvents('sample', {
  'thing.created': {
    description: 'A thing was created.',
    subject: ['thing'],
    payload: payload({
      name: z.string().describe('its name'),
      count: z.number().int(),
      parentId: z.string().nullable(),
      via: z.literal('import').optional(),
      kind: z.enum(['a', 'b']),
      tags: z.array(z.string()),
      settings: jsonObject(),
      source: z.string().meta({ examples: ['sign_in'] }),
    }),
  },
  'thing.removed': { description: 'A thing was removed.', subject: ['thing', 'user'], category: 'security', payload: payload({}) },
});

const valid = { name: 'n', count: 2, parentId: null, kind: 'a', tags: [], settings: { any: 1 }, source: 's' };

describe(EventCatalogue.name, () => {
  const sut = new EventCatalogue([SAMPLE]);

  it('refuses a type declared twice and a name outside the scheme', () => {
    expect(() => new EventCatalogue([SAMPLE, SAMPLE])).toThrow(/declared twice/);
    const badName = defineEvents('bad', { 'Thing.Created': { description: 'x', subject: ['thing'], payload: payload({}) } });
    expect(() => new EventCatalogue([badName])).toThrow(/<area>\.<snake_case>/);
  });

  it('refuses an undeclared type', () => {
    expect(() => sut.assertDeclared('thing.renamed')).toThrow(UndeclaredEventTypeError);
    expect(() => sut.validate({ type: 'thing.renamed', subject: { type: 'thing' }, payload: {} })).toThrow(UndeclaredEventTypeError);
  });

  it('accepts a payload that matches, with undefined values dropped as storage drops them', () => {
    expect(sut.problems({ type: 'thing.created', subject: { type: 'thing' }, payload: { ...valid, via: undefined } })).toEqual([]);
    expect(sut.problems({ type: 'thing.removed', subject: { type: 'user' }, payload: {} })).toEqual([]);
  });

  it('names each drift: a missing field, a wrong type, an undeclared field, an unexpected subject', () => {
    const { name: _name, ...withoutName } = valid;
    expect(sut.problems({ type: 'thing.created', subject: { type: 'thing' }, payload: withoutName })).toEqual([expect.stringMatching(/^payload\.name: /)]);
    expect(sut.problems({ type: 'thing.created', subject: { type: 'thing' }, payload: { ...valid, count: '2' } })).toEqual([expect.stringMatching(/^payload\.count: /)]);
    expect(sut.problems({ type: 'thing.created', subject: { type: 'thing' }, payload: { ...valid, secret: 'x' } })).toEqual([expect.stringMatching(/secret/)]);
    expect(sut.problems({ type: 'thing.removed', subject: { type: 'team' }, payload: {} })).toEqual(['subject.type team is not one of thing, user']);
    expect(() => sut.validate({ type: 'thing.created', subject: { type: 'thing' }, payload: { ...valid, kind: 'c' } })).toThrow(EventPayloadDriftError);
  });

  it('gives each payload a JSON Schema with its fields, their meaning and what is required', () => {
    const schema = sut.payloadSchema('thing.created');
    expect(schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['name', 'count', 'parentId', 'kind', 'tags', 'settings', 'source'],
      properties: { name: { type: 'string', description: 'its name' }, count: { type: 'integer' }, kind: { enum: ['a', 'b'] } },
    });
    expect(schema).not.toHaveProperty('$schema');
    expect(JSON.stringify(schema)).not.toContain('9007199254740991');
  });

  it('makes from a schema alone an example that its declaration accepts', () => {
    for (const type of sut.types()) {
      const example = examplePayload(sut.payloadSchema(type));
      expect(sut.problems({ type, subject: { type: 'thing' }, payload: example })).toEqual([]);
    }
    // a declared example wins, so a synthetic event takes the path real ones take
    expect(examplePayload(sut.payloadSchema('thing.created'))).toMatchObject({ source: 'sign_in' });
  });

  it('speaks OpenAPI 3.0 for the API document: const as enum, null alternatives as nullable', () => {
    const openApi = toOpenApiSchema(sut.payloadSchema('thing.created')) as { properties: Record<string, Record<string, unknown>> };
    expect(openApi.properties.parentId).toMatchObject({ type: 'string', nullable: true });
    expect(openApi.properties.parentId).not.toHaveProperty('anyOf');
    expect(openApi.properties.via).toEqual({ type: 'string', enum: ['import'] });
    expect(openApi.properties.settings).toEqual({ type: 'object', additionalProperties: {} });
    expect(openApi.properties.source).toEqual({ type: 'string', example: 'sign_in' });
    expect(JSON.stringify(openApi)).not.toMatch(/propertyNames|"const"|"type":"null"/);
  });

  it("matches a webhook's names, prefixes and * against the declared types", () => {
    expect(sut.matching('thing.created')).toEqual(['thing.created']);
    expect(sut.matching('thing.*')).toEqual(['thing.created', 'thing.removed']);
    expect(sut.matching('*')).toHaveLength(2);
    expect(sut.matching('thing.renamed')).toEqual([]);
    expect(sut.matching('thin.*')).toEqual([]);
  });
});
