import { request as httpRequest } from 'node:http';
import type { ApiResponse } from './api-client';

/**
 * A request whose connection leaves from `localAddress` (any 127.0.0.0/8 address is this
 * machine's), so a test can be the trusted proxy from one loopback address and an untrusted
 * client from another, against one running app.
 */
export function requestFrom<T = Record<string, unknown>>(
  baseUrl: string,
  localAddress: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const url = new URL(path, baseUrl);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, localAddress }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        const json = /[/+]json(;|$)/.test(res.headers['content-type'] ?? '') && text;
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, body: (json ? JSON.parse(text) : text) as T, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
