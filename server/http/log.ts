// Structured logs (pino, JSON lines): one line a request, with the service's request id, the
// person, the method and path, the status and the duration; a failed authentication and a
// throttled request as warnings with the client's address. Never a token or an amount: no header,
// body or query string is logged, only the path.
import { createMiddleware } from 'hono/factory';
import type { Logger } from 'pino';
import { clientAddress } from './client.js';
import type { AppEnv } from './env.js';

export const requestLog = (log: Logger, trustProxy = false) =>
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
      log.warn({ ...line, client: clientAddress(c, trustProxy) }, 'authentication failed');
    else if (line.status === 429)
      log.warn(
        { ...line, client: clientAddress(c, trustProxy) },
        'throttled after failed authentications',
      );
    else if (line.status >= 500) log.error(line, 'request failed');
    else log.info(line, 'request');
  });
