// Structured logs (pino, JSON lines): one line a request, with the service's request id, the
// person, the method and path, the status and the duration; a failed authentication as a warning
// with the client's address. Never a token or an amount: no header, body or query string is
// logged, only the path.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Logger } from 'pino';
import type { AppEnv } from './env.js';

/** The client's socket address, where there is a socket (not in app.request). */
function clientAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

export const requestLog = (log: Logger) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const start = performance.now();
    await next();
    const line = {
      requestId: c.get('requestId'),
      userId: c.get('actor')?.userId ?? null,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - start) * 10) / 10,
    };
    if (line.status === 401)
      log.warn({ ...line, client: clientAddress(c) }, 'authentication failed');
    else if (line.status >= 500) log.error(line, 'request failed');
    else log.info(line, 'request');
  });
