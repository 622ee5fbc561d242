/**
 * A relay target we will redirect to: a same-origin relative path only. Anything that a
 * browser could read as another origin (`//host`, `/\host`, a scheme, control characters)
 * is dropped, not repaired.
 */
export function safeRelayPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 512) return null;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return null;
  try {
    const resolved = new URL(value, 'https://gatehouse.invalid');
    if (resolved.origin !== 'https://gatehouse.invalid') return null;
    return resolved.pathname + resolved.search + resolved.hash;
  } catch {
    return null;
  }
}
