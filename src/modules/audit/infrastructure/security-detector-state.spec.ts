import type { EntityManager } from '@mikro-orm/postgresql';
import { emptyState } from '../domain/security-rules';
import { SecurityDetectorState } from './security-detector-state';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-02T12:00:00.000Z');

/** A transaction that keeps the statements sent to it (no database: save's choice of statements is what is tested). */
function recordingTx(): { tx: EntityManager; statements: string[] } {
  const statements: string[] = [];
  const connection = { execute: async (sql: string) => void statements.push(sql.replace(/\s+/g, ' ').trim()) };
  const tx = { getConnection: () => connection, getTransactionContext: () => undefined } as unknown as EntityManager;
  return { tx, statements };
}

describe(SecurityDetectorState.name, () => {
  const pass = async (sut: SecurityDetectorState, organizationId: string, at: number): Promise<boolean> => {
    const { tx, statements } = recordingTx();
    const prune = { at, windowsBefore: new Date(at - 3_600_000).toISOString(), devicesBefore: new Date(at - 90 * 86_400_000).toISOString() };
    await sut.save(tx, organizationId, emptyState(), { prune, removedUsers: [] });
    return statements.some((sql) => sql.includes('delete from security_detector_windows') && sql.includes('delete from security_known_devices'));
  };

  it('prunes expired windows and devices in one statement on its first pass in an organization', async () => {
    expect(await pass(new SecurityDetectorState(), 'org-a', T0)).toBe(true);
  });

  it('leaves pruning out of the passes within a minute of event time, then prunes again', async () => {
    const sut = new SecurityDetectorState();
    expect(await pass(sut, 'org-a', T0)).toBe(true);
    expect(await pass(sut, 'org-a', T0 + 1)).toBe(false);
    expect(await pass(sut, 'org-a', T0 + MINUTE - 1)).toBe(false);
    expect(await pass(sut, 'org-a', T0 + MINUTE)).toBe(true);
    expect(await pass(sut, 'org-a', T0 + MINUTE + 30_000)).toBe(false);
  });

  it('keeps each organization to its own interval', async () => {
    const sut = new SecurityDetectorState();
    expect(await pass(sut, 'org-a', T0)).toBe(true);
    expect(await pass(sut, 'org-b', T0 + 1)).toBe(true);
    expect(await pass(sut, 'org-a', T0 + 2)).toBe(false);
  });

  it('prunes when event time goes back (a replay from an earlier position)', async () => {
    const sut = new SecurityDetectorState();
    expect(await pass(sut, 'org-a', T0)).toBe(true);
    expect(await pass(sut, 'org-a', T0 - 10 * MINUTE)).toBe(true);
  });
});
