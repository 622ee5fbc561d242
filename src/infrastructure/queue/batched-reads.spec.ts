import { BatchedReads, MAX_KEYS_PER_MGET } from './batched-reads';

/** An MGET over a map, recording every call. */
function store(values: Record<string, string>) {
  const calls: string[][] = [];
  const mget = (keys: string[]) => {
    calls.push(keys);
    return Promise.resolve(keys.map((key) => values[key] ?? null));
  };
  return { calls, mget };
}

describe(BatchedReads.name, () => {
  it('answers the reads asked in one turn with one MGET, each its own values in its own order', async () => {
    const { calls, mget } = store({ a: '1', b: '2', c: '3' });
    const reads = new BatchedReads(mget);
    const answers = await Promise.all([reads.read(['a', 'b']), reads.read(['c', 'missing', 'a']), reads.read(['b'])]);
    expect(answers).toEqual([['1', '2'], ['3', null, '1'], ['2']]);
    expect(calls).toEqual([['a', 'b', 'c', 'missing', 'a', 'b']]);
  });

  it('sends the reads of a later turn in an MGET of their own', async () => {
    const { calls, mget } = store({ a: '1' });
    const reads = new BatchedReads(mget);
    await reads.read(['a']);
    await reads.read(['a']);
    expect(calls).toEqual([['a'], ['a']]);
  });

  it('does not send a read before the turn’s other work is done, so it sees what was written before it', async () => {
    const values: Record<string, string> = {};
    const { mget } = store(values);
    const reads = new BatchedReads(mget);
    const read = reads.read(['mark']);
    values.mark = 'revoked';
    await expect(read).resolves.toEqual(['revoked']);
  });

  it('fails every read of a failed MGET, and the next turn’s reads go out again', async () => {
    let down = true;
    const reads = new BatchedReads((keys) => (down ? Promise.reject(new Error('connection is closed')) : Promise.resolve(keys.map(() => 'x'))));
    const failed = await Promise.allSettled([reads.read(['a']), reads.read(['b', 'c'])]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    down = false;
    await expect(reads.read(['a'])).resolves.toEqual(['x']);
  });

  it('splits a turn with more keys than one MGET carries', async () => {
    const { calls, mget } = store({});
    const reads = new BatchedReads(mget);
    const many = Array.from({ length: 3 }, (_, i) => Array.from({ length: MAX_KEYS_PER_MGET / 2 }, (__, j) => `k${i}:${j}`));
    const answers = await Promise.all(many.map((keys) => reads.read(keys)));
    expect(answers.map((values) => values.length)).toEqual(many.map((keys) => keys.length));
    expect(calls.map((keys) => keys.length)).toEqual([MAX_KEYS_PER_MGET, MAX_KEYS_PER_MGET / 2]);
  });
});
