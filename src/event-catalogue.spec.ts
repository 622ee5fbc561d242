import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EVENT_CATALOGUE } from './event-catalogue';
import { EVENTS_PAGE_PATH, renderEventsPage } from './event-catalogue.page';
import { EVENT_TYPE_NAME, examplePayload } from './shared/event-catalogue';

const SRC = __dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !/\.(spec|int-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/**
 * Every quoted `<area>.<name>` in production code whose area is an event area, outside the
 * catalogues themselves and the pages (whose message keys look alike): what is recorded,
 * reacted to, or named as a mail's outcome.
 */
function namesUsedInCode(): Map<string, string> {
  const areas = new Set(EVENT_CATALOGUE.types().map((type) => type.split('.')[0]));
  const used = new Map<string, string>();
  for (const file of sourceFiles(SRC)) {
    const path = relative(SRC, file);
    if (path.endsWith('.events.ts') || path.startsWith(join('modules', 'web'))) continue;
    for (const [, name] of readFileSync(file, 'utf8').matchAll(/'([a-z_]+\.[a-z_]+)'/g)) {
      if (areas.has(name.split('.')[0])) used.set(name, path);
    }
  }
  return used;
}

describe('the event catalogue', () => {
  it('declares every event type the code records or reacts to', () => {
    const undeclared = [...namesUsedInCode()].filter(([name]) => !EVENT_CATALOGUE.has(name)).map(([name, file]) => `${name} (${file})`);
    expect(undeclared).toEqual([]);
  });

  it('declares no type that nothing records any more', () => {
    const used = namesUsedInCode();
    expect(EVENT_CATALOGUE.types().filter((type) => !used.has(type))).toEqual([]);
  });

  it('names every type by one scheme and describes each in a sentence', () => {
    for (const entry of EVENT_CATALOGUE.entries()) {
      expect(entry.type).toMatch(EVENT_TYPE_NAME);
      expect(entry.description).toMatch(/^[A-Z].{10,}\.$/);
    }
  });

  it('makes for every type an example payload its declaration accepts (what the projection test appends)', () => {
    for (const entry of EVENT_CATALOGUE.entries()) {
      const example = examplePayload(EVENT_CATALOGUE.payloadSchema(entry.type));
      expect({ type: entry.type, problems: EVENT_CATALOGUE.problems({ type: entry.type, subject: { type: entry.subject[0] }, payload: example }) }).toEqual({
        type: entry.type,
        problems: [],
      });
    }
  });

  it(`is published as it is declared: ${EVENTS_PAGE_PATH} is not stale (npm run docs:events)`, () => {
    expect(readFileSync(join(SRC, '..', EVENTS_PAGE_PATH), 'utf8')).toBe(renderEventsPage(EVENT_CATALOGUE));
  });
});
