// Throttling of failed authentication (api-v1.md, "Identity and access"): after 20 failed
// authentications from one client within a minute, its further requests — with a good token too —
// answer 429 for the rest of that minute; other clients are not affected. hono-rate-limiter does
// the counting; its store is the database (AuthFailureStore), so every instance counts alike.
// Only failures are counted: a request that authenticated is let through after one read (is
// this client blocked?), without a write.
import { rateLimiter } from 'hono-rate-limiter';
import { AuthFailureStore } from '../db/auth-failures.js';
import { clientAddress } from './client.js';
import type { AppEnv, Deps } from './env.js';
import { errorBody } from './errors.js';

export const FAILED_AUTH_LIMIT = 20;
export const FAILED_AUTH_WINDOW_MS = 60_000;

export function throttleFailedAuth(deps: Deps) {
  const store = new AuthFailureStore(deps.db, deps.now, FAILED_AUTH_WINDOW_MS, FAILED_AUTH_LIMIT);
  const client = (c: Parameters<typeof clientAddress>[0]) => clientAddress(c, deps.trustProxy);
  return rateLimiter<AppEnv>({
    windowMs: FAILED_AUTH_WINDOW_MS,
    limit: FAILED_AUTH_LIMIT,
    standardHeaders: 'draft-7',
    store,
    keyGenerator: (c) => client(c) ?? '',
    // No address (in-process calls): nobody to throttle.
    skip: async (c) => {
      const from = client(c);
      if (!from) return true;
      return !c.get('authFailure') && !(await store.blocked(from));
    },
    handler: (c) =>
      c.json(
        errorBody(
          'TOO_MANY_FAILED_AUTHENTICATIONS',
          'Too many failed sign-ins from this address: try again when the minute is over (Retry-After says when).',
        ),
        429,
      ),
  });
}
