import type { EntityManager, Knex } from '@mikro-orm/postgresql';

/** Serializes changes to an organization's team tree for the rest of the transaction. */
export async function lockHierarchy(em: EntityManager, organizationId: string): Promise<void> {
  await em
    .getConnection()
    .execute("select pg_advisory_xact_lock(hashtext('teams:' || ?))", [organizationId], 'all', em.getTransactionContext<Knex.Transaction>());
}
