import type { FastifyRequest } from 'fastify';
import type { Actor } from './actor';
import type { Principal } from './principal';

export type GatehouseRequest = FastifyRequest & {
  principal?: Principal;
  /** Set when the permission guard let the principal's request through to its handler. */
  permitted?: boolean;
  /** Keys a route asked authentication to read with the credential's check (ReadAlongside), full key → value. */
  alongside?: ReadonlyMap<string, string | null>;
};

/** The actor of an HTTP request: the principal if any, with where the request came from. */
export function actorOf(request: GatehouseRequest): Actor {
  const principal = request.principal;
  const userAgent = request.headers['user-agent'];
  return {
    type: principal?.apiKeyId ? 'api_key' : principal ? 'user' : 'system',
    id: principal ? (principal.apiKeyId ?? principal.userId) : null,
    organizationId: principal?.organizationId ?? null,
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
    requestId: String(request.id),
  };
}
