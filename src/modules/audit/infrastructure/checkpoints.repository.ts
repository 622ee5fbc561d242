import { Injectable } from '@nestjs/common';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { RFC3339_MS } from '../../../infrastructure/event-store/event-store';

export type CheckpointReason = 'periodic' | 'on_demand' | 'retention';

export interface Checkpoint {
  id: string;
  organizationId: string;
  seq: number;
  hash: string;
  at: string;
  kid: string;
  reason: CheckpointReason;
  jws: string;
}

interface CheckpointRow {
  id: string;
  organization_id: string;
  seq: string;
  hash: string;
  at: string;
  kid: string;
  reason: CheckpointReason;
  jws: string;
}

const COLUMNS = `id, organization_id, seq, hash, to_char(at at time zone 'UTC', ${RFC3339_MS}) as at, kid, reason, jws`;

const toCheckpoint = (row: CheckpointRow): Checkpoint => ({
  id: row.id,
  organizationId: row.organization_id,
  seq: Number(row.seq),
  hash: row.hash,
  at: row.at,
  kid: row.kid,
  reason: row.reason,
  jws: row.jws,
});

/** The signed checkpoints (append-only), read and written in the caller's unit of work. */
@Injectable()
export class CheckpointsRepository {
  async latest(em: EntityManager, organizationId: string): Promise<Checkpoint | null> {
    const [row] = await em
      .getConnection()
      .execute<CheckpointRow[]>(
        `select ${COLUMNS} from audit_checkpoints where organization_id = ? order by seq desc, at desc limit 1`,
        [organizationId],
        'all',
        em.isInTransaction() ? em.getTransactionContext<Knex.Transaction>() : undefined,
      );
    return row ? toCheckpoint(row) : null;
  }

  /** The checkpoint of the event at `seq`, if one was signed. */
  async atSeq(em: EntityManager, organizationId: string, seq: number): Promise<Checkpoint | null> {
    const [row] = await em
      .getConnection()
      .execute<CheckpointRow[]>(
        `select ${COLUMNS} from audit_checkpoints where organization_id = ? and seq = ? order by at limit 1`,
        [organizationId, seq],
        'all',
        em.isInTransaction() ? em.getTransactionContext<Knex.Transaction>() : undefined,
      );
    return row ? toCheckpoint(row) : null;
  }

  /** The first checkpoint after `seq`. */
  async firstAfter(em: EntityManager, organizationId: string, seq: number): Promise<Checkpoint | null> {
    const [row] = await em
      .getConnection()
      .execute<CheckpointRow[]>(
        `select ${COLUMNS} from audit_checkpoints where organization_id = ? and seq > ? order by seq, at limit 1`,
        [organizationId, seq],
        'all',
        em.isInTransaction() ? em.getTransactionContext<Knex.Transaction>() : undefined,
      );
    return row ? toCheckpoint(row) : null;
  }

  /** Newest first, keyset on (seq, at) below `before`. */
  async page(em: EntityManager, organizationId: string, limit: number, before?: { seq: number; at: string }): Promise<Checkpoint[]> {
    const rows = await em
      .getConnection()
      .execute<CheckpointRow[]>(
        `select ${COLUMNS} from audit_checkpoints
          where organization_id = ? ${before ? 'and (seq, at) < (?, ?::timestamptz)' : ''}
          order by seq desc, at desc limit ${limit}`,
        before ? [organizationId, before.seq, before.at] : [organizationId],
        'all',
      );
    return rows.map(toCheckpoint);
  }

  /** Every checkpoint of the organization in seq order (verification walks them). */
  async all(em: EntityManager, organizationId: string): Promise<Checkpoint[]> {
    const rows = await em
      .getConnection()
      .execute<CheckpointRow[]>(`select ${COLUMNS} from audit_checkpoints where organization_id = ? order by seq, at`, [organizationId], 'all');
    return rows.map(toCheckpoint);
  }

  async insert(em: EntityManager, checkpoint: Checkpoint, publicJwk: object): Promise<void> {
    await em.getConnection().execute(
      `insert into audit_checkpoints (id, organization_id, seq, hash, at, kid, public_jwk, jws, reason)
       values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)`,
      [
        checkpoint.id,
        checkpoint.organizationId,
        checkpoint.seq,
        checkpoint.hash,
        checkpoint.at,
        checkpoint.kid,
        JSON.stringify(publicJwk),
        checkpoint.jws,
        checkpoint.reason,
      ],
      'run',
      em.getTransactionContext<Knex.Transaction>(),
    );
  }
}
