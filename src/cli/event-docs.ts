import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EVENT_CATALOGUE } from '../event-catalogue';
import { EVENTS_PAGE_PATH, renderEventsPage } from '../event-catalogue.page';

/** `npm run docs:events`: writes docs/events.md from the event catalogue. */
const target = resolve(__dirname, '..', '..', EVENTS_PAGE_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderEventsPage(EVENT_CATALOGUE));
process.stdout.write(`wrote ${EVENTS_PAGE_PATH} (${EVENT_CATALOGUE.entries().length} event types)\n`);
