import type { Knex } from '@mikro-orm/postgresql';
import type { ClientBase } from 'pg';

/**
 * The pg connection a knex transaction runs on, for statements sent straight to it (named,
 * prepared once per connection) instead of through knex's query building: on a command's hot
 * path knex's raw query costs more than the statement it sends.
 */
export async function transactionConnection(trx: Knex.Transaction): Promise<ClientBase> {
  const client = trx.client as { transacting?: boolean; acquireConnection?: () => Promise<unknown> };
  const connection = client.transacting && typeof client.acquireConnection === 'function' ? await client.acquireConnection() : null;
  if (typeof (connection as ClientBase | null)?.query !== 'function') throw new Error("a statement meant for the transaction found no pg connection of the transaction's own");
  return connection as ClientBase;
}
