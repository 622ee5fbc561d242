import type { Knex } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { Clock } from '../../../shared/clock';
import { IdGenerator } from '../../../shared/ids';
import { SecretBox } from '../../../infrastructure/security/secret-box';
import { inTransaction } from '../../../infrastructure/event-store/unit-of-work';

const KEY_LOCK = '7453010373645656';
const RELOAD_INTERVAL_MS = 60_000;

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

interface KeyRow {
  kid: string;
  public_jwk: PublicJwk;
  private_pem: string;
  created_at: Date;
  retired_at: Date | null;
}

/**
 * The RS256 keys that sign access tokens. The newest key signs; every key not retired
 * verifies and is published in the JWKS, so a rotation never invalidates live tokens.
 * Keys live in PostgreSQL so every instance signs and verifies alike.
 */
@Injectable()
export class SigningKeys implements OnModuleInit {
  private readonly logger = new Logger(SigningKeys.name);
  private current: { kid: string; privateKey: KeyObject; header: string } | null = null;
  private verifying = new Map<string, KeyObject>();
  private published: PublicJwk[] = [];
  private loadedAt = 0;
  /** Keys this instance was told are retired: a reload already under way must not bring them back. */
  private readonly retired = new Set<string>();

  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly box: SecretBox,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensureKey();
    await this.load();
  }

  /**
   * An access JWT (RS256) over `claims`, with `iat` and `exp` as jsonwebtoken set them (seconds
   * of the system clock, which the verifiers judge by). The key's header is encoded once per key
   * and the signature made in one call: jsonwebtoken's option checks and streaming Sign cost as
   * much again as the RSA signature itself, on every sign-in and refresh.
   */
  sign(claims: Record<string, unknown>, expiresInSeconds: number): string {
    if (!this.current) throw new Error('no signing key loaded');
    const { header, privateKey } = this.current;
    const iat = Math.floor(Date.now() / 1000);
    const signingInput = `${header}.${Buffer.from(JSON.stringify({ ...claims, iat, exp: iat + expiresInSeconds })).toString('base64url')}`;
    return `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
  }

  /**
   * A compact JWS (RS256) over `payload` exactly as given, with no registered claims added:
   * for statements that must verify for good against the JWKS, such as audit checkpoints.
   */
  signCompact(payload: Record<string, unknown>, typ: string): { jws: string; kid: string } {
    if (!this.current) throw new Error('no signing key loaded');
    const kid = this.current.kid;
    const signingInput = [{ alg: 'RS256', kid, typ }, payload]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .join('.');
    const signature = sign('sha256', Buffer.from(signingInput), this.current.privateKey).toString('base64url');
    return { jws: `${signingInput}.${signature}`, kid };
  }

  /** The verification key for `kid`, reloading once a minute at most when it is unknown. */
  async verificationKey(kid: string): Promise<KeyObject | null> {
    const stale = this.clock.now().getTime() - this.loadedAt > RELOAD_INTERVAL_MS;
    const known = this.verifying.get(kid);
    if (known) {
      // keys another instance rotated or retired arrive within a minute
      if (stale) void this.load().catch((error: Error) => this.logger.warn(`signing keys not reloaded: ${error.message}`));
      return known;
    }
    if (stale) await this.load();
    return this.verifying.get(kid) ?? null;
  }

  /** Whether tokens signed with `kid` still verify here (a retired key's do not). */
  verifies(kid: string): boolean {
    return this.verifying.has(kid);
  }

  /** Stops verifying and publishing retired keys at once, without waiting for the next reload. */
  forget(kids: readonly string[]): void {
    for (const kid of kids) {
      this.retired.add(kid);
      this.verifying.delete(kid);
    }
    this.published = this.published.filter((jwk) => !this.retired.has(jwk.kid));
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: this.published };
  }

  private async ensureKey(): Promise<void> {
    // not em.transactional(): its AsyncLocalStorage would turn promise hooks on for the whole process
    await inTransaction(this.em.fork(), async (tx) => {
      const connection = tx.getConnection();
      const trx = tx.getTransactionContext<Knex.Transaction>();
      await connection.execute('select pg_advisory_xact_lock(?)', [KEY_LOCK], 'run', trx);
      const [row] = await connection.execute<{ count: string }[]>(
        'select count(*) as count from signing_keys where retired_at is null',
        [],
        'all',
        trx,
      );
      if (Number(row.count) === 0) await this.insertKey(tx);
    });
  }

  /**
   * Makes a new key the signing key, inside the caller's transaction (its event goes with
   * it). The previous key keeps verifying, so live tokens survive; older ones are retired.
   * Rotate no more often than the access-token lifetime.
   */
  async rotate(em: EntityManager): Promise<{ kid: string; retired: string[] }> {
    const connection = em.getConnection();
    const trx = em.getTransactionContext<Knex.Transaction>();
    await connection.execute('select pg_advisory_xact_lock(?)', [KEY_LOCK], 'run', trx);
    const kid = await this.insertKey(em);
    const retired = await connection.execute<{ kid: string }[]>(
      `update signing_keys set retired_at = ? where retired_at is null and kid not in
         (select kid from signing_keys where retired_at is null order by created_at desc limit 2)
       returning kid`,
      [this.clock.now()],
      'all',
      trx,
    );
    return { kid, retired: retired.map((row) => row.kid) };
  }

  /** Picks up keys rotated by any instance (called after a rotation, and on a timer). */
  async reload(): Promise<void> {
    await this.load();
  }

  private async insertKey(em: EntityManager): Promise<string> {
    const kid = this.ids.secret(12);
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk: PublicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
    await em.getConnection().execute(
      'insert into signing_keys (kid, algorithm, public_jwk, private_pem, created_at) values (?, ?, ?::jsonb, ?, ?)',
      // the private key is sealed at rest (AES-256-GCM under ENCRYPTION_KEY, bound to its kid)
      [kid, 'RS256', JSON.stringify(jwk), this.box.seal(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), kid), this.clock.now()],
      'run',
      em.getTransactionContext<Knex.Transaction>(),
    );
    this.logger.log(`generated signing key ${kid}`);
    return kid;
  }

  private async load(): Promise<void> {
    const rows = await this.em
      .fork()
      .getConnection()
      .execute<KeyRow[]>(
        'select kid, public_jwk, private_pem, created_at, retired_at from signing_keys where retired_at is null order by created_at desc',
        [],
        'all',
      );
    const live = rows.filter((row) => !this.retired.has(row.kid));
    if (!live.length) throw new Error('no signing key in the database');
    const kid = live[0].kid;
    this.current = { kid, privateKey: createPrivateKey(this.box.open(live[0].private_pem, kid)), header: Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid })).toString('base64url') };
    this.verifying = new Map(live.map((row) => [row.kid, createPublicKey({ key: row.public_jwk, format: 'jwk' })]));
    this.published = live.map((row) => row.public_jwk);
    this.loadedAt = this.clock.now().getTime();
  }
}
