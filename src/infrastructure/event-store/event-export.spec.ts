import { exactLines, needsReserialization } from './event-export';

// lines as PostgreSQL builds them (event-export.ts): compact unless a backslash is in them
const line = (payload: string, actor = '{"id":"u-1","ip":"203.0.113.1","type":"user","requestId":null,"userAgent":"bench"}') =>
  `{"id":"e-1","organizationId":"o-1","seq":12,"type":"user.invited","actor":${actor},"subject":{"id":null,"type":"user"},"payload":${payload},"occurredAt":"2026-12-01T12:00:00.000Z","prevHash":"${'0'.repeat(64)}","hash":"${'f'.repeat(64)}"}\n`;

describe('exactLines', () => {
  it('passes lines through that JSON.stringify would write the same', () => {
    const lines = line('{"n":12345}') + line('{"text":"a, like b","at":"12:00.000Z","list":["x","y"]}') + line('{"big":123456789012345}');
    expect(needsReserialization(lines)).toBe(false);
    expect(exactLines(lines)).toBe(lines);
    for (const one of lines.split('\n').filter(Boolean)) expect(JSON.stringify(JSON.parse(one))).toBe(one);
  });

  it.each([
    ['a fraction jsonb keeps as stored', '{"price":1.50}', '{"price":1.5}'],
    ['a number past 2^53', '{"id":10000000000000000001}', '{"id":10000000000000000000}'],
    ['a number JavaScript writes with an exponent', '{"huge":1000000000000000000000}', '{"huge":1e+21}'],
    ['keys of digits, which JavaScript puts first', '{"a":1,"10":2}', '{"10":2,"a":1}'],
    ['an array separator left by the compaction', '{"list":[1, true, {"a":null}]}', '{"list":[1,true,{"a":null}]}'],
    ['a line left as jsonb printed it', '{"text": "say \\"hi\\", \\"k\\": v"}', '{"text":"say \\"hi\\", \\"k\\": v"}'],
  ])('rewrites %s', (_what, payload, expected) => {
    const lines = line('{"n":1}') + line(payload) + line('{"n":2}');
    expect(exactLines(lines)).toBe(line('{"n":1}') + line(expected) + line('{"n":2}'));
  });
});
