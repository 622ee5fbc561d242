import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { InvalidInputError } from '../../../shared/domain-error';
import { isPublicAddress } from '../domain/public-address';

export interface ResolvedTarget {
  url: URL;
  /** The checked address the connection is pinned to (no second DNS answer can redirect it). */
  address: string;
  family: 4 | 6;
}

/** A webhook URL's shape: https (or http where private targets are allowed), no credentials. */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInputError('AUDIT.WEBHOOK_URL', 'url', 'url must be an absolute URL');
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new InvalidInputError('AUDIT.WEBHOOK_URL', 'url', 'url must use https');
  }
  if (url.username || url.password) throw new InvalidInputError('AUDIT.WEBHOOK_URL', 'url', 'url must not carry credentials');
  return url;
}

/**
 * Resolves the host and checks every address it answers: one private address refuses the
 * target (a name that answers both is how DNS rebinding starts).
 */
export async function resolveTarget(raw: string, allowPrivate: boolean): Promise<ResolvedTarget> {
  const url = checkWebhookUrl(raw, allowPrivate);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const answers = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, verbatim: true }).catch(() => []);
  if (!answers.length) throw new InvalidInputError('AUDIT.WEBHOOK_URL', 'url', 'url’s host does not resolve');
  if (!allowPrivate && answers.some((answer) => !isPublicAddress(answer.address))) {
    throw new InvalidInputError('AUDIT.WEBHOOK_URL', 'url', 'url must point to a public address');
  }
  return { url, address: answers[0].address, family: answers[0].family === 6 ? 6 : 4 };
}

/** POSTs to the checked address only; TLS still verifies the certificate for the URL's host name. */
export function postPinned(
  target: ResolvedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status: number }> {
  const request = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target.url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString() },
        lookup: ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
          // node ≥ 20 may ask for all addresses: answer in the shape it asked for
          if (options.all) callback(null, [{ address: target.address, family: target.family }]);
          else callback(null, target.address, target.family);
        }) as unknown as LookupFunction,
        timeout: timeoutMs,
      },
      (response) => {
        response.resume(); // the body is not ours to keep
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
        response.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
