import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128000000_foundation } from './Migration20261128000000_foundation';

/** Every migration, in order; listed explicitly so the same list runs from src/ and dist/. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261128000000_foundation', class: Migration20261128000000_foundation },
];
