import { InvalidInputError } from '../../../shared/domain-error';

export const WIDGET_TYPES = ['members', 'invitations', 'activity', 'resources', 'chart', 'note'] as const;
export const USER_STATUSES = ['invited', 'active', 'deactivated', 'removed'] as const;
export const ACTIVITY_WINDOWS = ['24h', '7d', '30d', '90d'] as const;

export interface DashboardWidget {
  id: string;
  type: (typeof WIDGET_TYPES)[number];
  title: string | null;
  position: { x: number; y: number; w: number; h: number };
  options: Record<string, string | number | boolean>;
}

export interface DashboardLayout {
  widgets: DashboardWidget[];
  filters: { roles?: string[]; statuses?: string[]; activityWindow?: (typeof ACTIVITY_WINDOWS)[number] };
}

export const EMPTY_DASHBOARD: DashboardLayout = { widgets: [], filters: {} };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(field: string, message: string): never {
  throw new InvalidInputError('TEAMS.BAD_DASHBOARD', field, `${field} ${message}`);
}

function knownKeys(value: Record<string, unknown>, allowed: string[], field: string): void {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown) fail(`${field}.${unknown}`.replace(/^\./, ''), 'is not part of the dashboard schema');
}

function gridInt(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(field, `must be a whole number from ${min} to ${max}`);
  return value;
}

function stringList(value: unknown, field: string, allowed?: readonly string[]): string[] {
  if (!Array.isArray(value) || value.length > 50) fail(field, 'must be a list of at most 50 strings');
  return value.map((item, index) => {
    if (typeof item !== 'string' || item.length < 1 || item.length > 100 || (allowed && !allowed.includes(item))) {
      fail(`${field}[${index}]`, allowed ? `must be one of ${allowed.join(', ')}` : 'must be a string of 1-100 characters');
    }
    return item;
  });
}

/**
 * The saved layout of a team dashboard, validated against its schema: up to 50 widgets on a
 * 12-column grid, each of a known type with scalar options, and the overview's filters.
 */
export function parseDashboardLayout(input: unknown): DashboardLayout {
  if (!isObject(input)) fail('body', 'must be an object { widgets, filters }');
  knownKeys(input, ['widgets', 'filters'], '');
  const widgetsIn = input.widgets ?? [];
  if (!Array.isArray(widgetsIn) || widgetsIn.length > 50) fail('widgets', 'must be a list of at most 50 widgets');
  const ids = new Set<string>();
  const widgets = widgetsIn.map((widget: unknown, index): DashboardWidget => {
    const field = `widgets[${index}]`;
    if (!isObject(widget)) fail(field, 'must be an object');
    knownKeys(widget, ['id', 'type', 'title', 'position', 'options'], field);
    if (typeof widget.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(widget.id)) fail(`${field}.id`, 'must be 1-64 letters, digits, - or _');
    if (ids.has(widget.id)) fail(`${field}.id`, 'is used by another widget');
    ids.add(widget.id);
    if (typeof widget.type !== 'string' || !(WIDGET_TYPES as readonly string[]).includes(widget.type)) fail(`${field}.type`, `must be one of ${WIDGET_TYPES.join(', ')}`);
    if (widget.title !== undefined && widget.title !== null && (typeof widget.title !== 'string' || widget.title.length > 200)) fail(`${field}.title`, 'must be a string of at most 200 characters');
    if (!isObject(widget.position)) fail(`${field}.position`, 'must be an object { x, y, w, h }');
    knownKeys(widget.position, ['x', 'y', 'w', 'h'], `${field}.position`);
    const position = {
      x: gridInt(widget.position.x, `${field}.position.x`, 0, 11),
      y: gridInt(widget.position.y, `${field}.position.y`, 0, 1000),
      w: gridInt(widget.position.w, `${field}.position.w`, 1, 12),
      h: gridInt(widget.position.h, `${field}.position.h`, 1, 50),
    };
    if (position.x + position.w > 12) fail(`${field}.position.w`, 'runs past the 12-column grid');
    const options: Record<string, string | number | boolean> = {};
    if (widget.options !== undefined) {
      if (!isObject(widget.options) || Object.keys(widget.options).length > 20) fail(`${field}.options`, 'must be an object of at most 20 entries');
      for (const [key, value] of Object.entries(widget.options)) {
        const ok = (typeof value === 'string' && value.length <= 500) || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
        if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(key) || !ok) fail(`${field}.options.${key}`, 'must be a short string, a number or a boolean');
        options[key] = value;
      }
    }
    return { id: widget.id, type: widget.type as DashboardWidget['type'], title: (widget.title as string | undefined) ?? null, position, options };
  });
  const filtersIn = input.filters ?? {};
  if (!isObject(filtersIn)) fail('filters', 'must be an object');
  knownKeys(filtersIn, ['roles', 'statuses', 'activityWindow'], 'filters');
  const filters: DashboardLayout['filters'] = {};
  if (filtersIn.roles !== undefined) filters.roles = stringList(filtersIn.roles, 'filters.roles');
  if (filtersIn.statuses !== undefined) filters.statuses = stringList(filtersIn.statuses, 'filters.statuses', USER_STATUSES);
  if (filtersIn.activityWindow !== undefined) {
    if (typeof filtersIn.activityWindow !== 'string' || !(ACTIVITY_WINDOWS as readonly string[]).includes(filtersIn.activityWindow)) {
      fail('filters.activityWindow', `must be one of ${ACTIVITY_WINDOWS.join(', ')}`);
    }
    filters.activityWindow = filtersIn.activityWindow as DashboardLayout['filters']['activityWindow'];
  }
  return { widgets, filters };
}
