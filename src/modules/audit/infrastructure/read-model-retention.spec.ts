import { ReadModelRetention } from './read-model-retention';

describe(ReadModelRetention.name, () => {
  it('lists each read model once by table, the last registration winning', () => {
    const sut = new ReadModelRetention();
    sut.register({ table: 'audit_log', timeColumn: 'occurred_at' });
    sut.register({ table: 'login_history', timeColumn: 'occurred_at' });
    sut.register({ table: 'login_history', timeColumn: 'signed_in_at' });
    expect(sut.list()).toEqual([
      { table: 'audit_log', timeColumn: 'occurred_at' },
      { table: 'login_history', timeColumn: 'signed_in_at' },
    ]);
  });

  it.each([
    ['audit_log; drop table events', 'occurred_at'],
    ['audit_log', 'occurred_at < now() or true'],
    ['Audit"Log', 'occurred_at'],
  ])('refuses %p.%p, which would be spliced into SQL', (table, timeColumn) => {
    expect(() => new ReadModelRetention().register({ table, timeColumn })).toThrow(/not a plain table and column name/);
  });
});
