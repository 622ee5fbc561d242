import { parseDashboardLayout } from './dashboard-layout';

describe(parseDashboardLayout.name, () => {
  const widget = { id: 'w1', type: 'members', position: { x: 0, y: 0, w: 6, h: 4 } };

  it('accepts a layout of known widgets and filters, filling the defaults', () => {
    expect(parseDashboardLayout({ widgets: [widget], filters: { statuses: ['active'], activityWindow: '7d' } })).toEqual({
      widgets: [{ ...widget, title: null, options: {} }],
      filters: { statuses: ['active'], activityWindow: '7d' },
    });
  });

  it.each([
    [{ widgets: [{ ...widget, type: 'iframe' }] }, 'widgets[0].type'],
    [{ widgets: [{ ...widget, position: { x: 8, y: 0, w: 6, h: 1 } }] }, 'widgets[0].position.w'],
    [{ widgets: [widget, widget] }, 'widgets[1].id'],
    [{ widgets: [{ ...widget, options: { script: { nested: true } } }] }, 'widgets[0].options.script'],
    [{ filters: { statuses: ['sleeping'] } }, 'filters.statuses[0]'],
    [{ layout: [] }, 'layout'],
    ['nonsense', 'body'],
  ])('refuses %j naming %s', (input, field) => {
    expect(() => parseDashboardLayout(input)).toThrow(expect.objectContaining({ fieldErrors: [expect.objectContaining({ field })] }) as Error);
  });
});
