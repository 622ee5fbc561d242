import { safeRelayPath } from './relay-path';

describe(safeRelayPath.name, () => {
  it('keeps same-origin relative paths', () => {
    expect(safeRelayPath('/account?tab=sessions')).toBe('/account?tab=sessions');
  });

  it.each(['https://evil.example', '//evil', '/\\evil', '\\\\evil', 'javascript:alert(1)', '/ok\r\nLocation: x', '', 42])('drops %p', (value) => {
    expect(safeRelayPath(value)).toBeNull();
  });
});
