/** Who caused a change: recorded on every event. */
export interface Actor {
  type: 'user' | 'api_key' | 'system';
  id: string | null;
  organizationId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export function systemActor(requestId: string | null = null): Actor {
  return { type: 'system', id: null, organizationId: null, ip: null, userAgent: null, requestId };
}
