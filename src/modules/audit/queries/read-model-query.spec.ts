import { InvalidInputError } from '../../../shared/domain-error';
import { encodeCursor } from '../../../shared/pagination';
import { OCCURRED_AT_SKEW_MS, ReadModelQuery } from './read-model-query';

const ORG = '3f0c2a4e-8a51-4b5e-9a43-1c2d3e4f5a6b';

describe(ReadModelQuery.name, () => {
  it('scopes every query to the organization and reads the newest first, one row beyond the page', () => {
    const query = new ReadModelQuery('login_history', ORG, {});
    expect(query.sql('seq', 50)).toBe('select seq from login_history where organization_id = ? order by seq desc limit 51');
    expect(query.params).toEqual([ORG]);
  });

  it('continues below the cursor’s seq', () => {
    const query = new ReadModelQuery('audit_log', ORG, { cursor: encodeCursor({ seq: 42 }) });
    expect(query.sql('seq', 10)).toContain('and seq < ?');
    expect(query.params).toEqual([ORG, 42]);
  });

  it('refuses a cursor it did not issue, naming the field', () => {
    expect(() => new ReadModelQuery('audit_log', ORG, { cursor: 'garbage' })).toThrow(InvalidInputError);
  });

  it('bounds seq by rows found beyond each end of a time range by the skew, and keeps the time predicates', () => {
    const from = new Date('2026-10-01T00:00:00.000Z');
    const to = new Date('2026-10-02T00:00:00.000Z');
    const query = new ReadModelQuery('audit_log', ORG, { from, to });
    const sql = query.sql('seq', 50);
    expect(sql).toContain('occurred_at >= ?');
    expect(sql).toContain('occurred_at < ?');
    expect(sql).toContain('seq > coalesce((select seq from audit_log where organization_id = ? and occurred_at < ? order by occurred_at desc limit 1), 0)');
    expect(sql).toContain('seq < coalesce((select seq from audit_log where organization_id = ? and occurred_at >= ? order by occurred_at limit 1), 9223372036854775807)');
    expect(query.params).toEqual([ORG, from, ORG, new Date(from.getTime() - OCCURRED_AT_SKEW_MS), to, ORG, new Date(to.getTime() + OCCURRED_AT_SKEW_MS)]);
  });

  it('reads the seq bounds of a time range first and passes them as values, so the planner can prune', async () => {
    const from = new Date('2026-10-01T00:00:00.000Z');
    const to = new Date('2026-10-02T00:00:00.000Z');
    const read = jest.fn(async () => [{ after: '41', before: null }]);
    const query = await ReadModelQuery.create('audit_log', ORG, { from, to }, read);
    expect(read).toHaveBeenCalledWith(expect.stringContaining('as after'), [
      ORG,
      new Date(from.getTime() - OCCURRED_AT_SKEW_MS),
      new Date(to.getTime() + OCCURRED_AT_SKEW_MS),
    ]);
    expect(query.sql('seq', 50)).toBe(
      'select seq from audit_log where organization_id = ? and occurred_at >= ? and seq > ? and occurred_at < ? and seq < ? order by seq desc limit 51',
    );
    expect(query.params).toEqual([ORG, from, '41', to, '9223372036854775807']);
  });

  it('reads no bounds without a time range', async () => {
    const read = jest.fn();
    await ReadModelQuery.create('login_history', ORG, {}, read);
    expect(read).not.toHaveBeenCalled();
  });

  it('numbers its placeholders for pg in the order of its values', () => {
    const query = new ReadModelQuery('audit_log', ORG, { cursor: encodeCursor({ seq: 42 }) }).where('type = ?', 'auth.login_failed');
    expect(query.statement('seq', 50)).toEqual({
      text: 'select seq from audit_log where organization_id = $1 and seq < $2 and type = $3 order by seq desc limit 51',
      values: [ORG, 42, 'auth.login_failed'],
    });
  });

  it('answers the page and a cursor only when a row beyond it was read', () => {
    const rows = [{ seq: '9' }, { seq: '8' }, { seq: '7' }];
    expect(ReadModelQuery.page(rows, 2, (row) => Number(row.seq))).toEqual({ items: [9, 8], nextCursor: encodeCursor({ seq: 8 }) });
    expect(ReadModelQuery.page(rows, 3, (row) => Number(row.seq))).toEqual({ items: [9, 8, 7], nextCursor: null });
  });
});
