// Bearer tokens → the acting user and their grants. Tokens are stored only as SHA-256 hashes:
// they are 256-bit random values, so a slow password hash adds nothing.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { every } from 'hono/combine';
import { createMiddleware } from 'hono/factory';
import type { Actor } from '../../shared/domain/access.js';
import { grantsByEmail, grantsByToken } from '../features/hierarchy/store.js';
import { looksLikeJwt } from './sso.js';
import { ApiError } from './errors.js';
import { throttleFailedAuth } from './throttle.js';
import { type AppEnv, DEFAULT_TOKEN_DAYS, type Deps } from './env.js';

export const ADMIN_USER_ID = 'admin';
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const newToken = () => `gc_${randomBytes(32).toString('base64url')}`;

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(hashToken(a));
  const y = Buffer.from(hashToken(b));
  return timingSafeEqual(x, y);
};

/**
 * Who is calling, on every API request: the bearer token's person, refused with 401 when it is
 * no good — unless the client has failed too often, when the answer is 429 (throttle.ts). The
 * failure is known before the throttle decides, so that only failures are counted.
 */
export const authenticate = (deps: Deps) =>
  every(identify(deps), throttleFailedAuth(deps), refuseUnknown);

const identify = (deps: Deps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    try {
      if (!token) throw new ApiError(401, 'UNAUTHORIZED', 'Send "Authorization: Bearer <token>".');
      c.set('actor', await actorFor(deps, token));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
      c.set('authFailure', e);
    }
    await next();
  });

const refuseUnknown = createMiddleware<AppEnv>(async (c, next) => {
  const failure = c.get('authFailure');
  if (failure) throw failure;
  await next();
});

/** When a token issued at `issuedAt` stops being accepted. */
export function tokenExpiry(issuedAt: string, deps: Pick<Deps, 'tokenDays'>): string {
  const days = deps.tokenDays ?? DEFAULT_TOKEN_DAYS;
  return new Date(Date.parse(issuedAt) + days * 86_400_000).toISOString();
}

/**
 * Who a token belongs to, with their grants: read afresh on every request, so that a revoked
 * grant, a deactivated user and a replaced or expired token are refused at once, on every
 * instance.
 */
export async function actorFor(deps: Deps, token: string): Promise<Actor> {
  if (deps.adminToken && sameSecret(token, deps.adminToken))
    return { userId: ADMIN_USER_ID, superAdmin: true, grants: [] };
  const sso = deps.sso && looksLikeJwt(token) ? await deps.sso(token) : null;
  const grants = sso
    ? await grantsByEmail(deps.db.client, sso)
    : await grantsByToken(deps.db.client, hashToken(token));
  if (!grants.length)
    throw new ApiError(
      401,
      'UNAUTHORIZED',
      sso ? `Nobody here signs in as ${sso}.` : 'Unknown or revoked token.',
    );
  const [user] = grants as [(typeof grants)[number]];
  if (!user.active)
    throw new ApiError(
      401,
      'UNAUTHORIZED',
      'This user is deactivated: an admin may reactivate them.',
    );
  // A sign-in token's expiry is its own (jose checked it); the service's tokens expire here.
  const expires = tokenExpiry(user.token_issued_at, deps);
  if (!sso && deps.now().toISOString() >= expires)
    throw new ApiError(
      401,
      'UNAUTHORIZED',
      `This token expired on ${expires.slice(0, 10)}: an admin issues a new one (POST /users/{id}/token).`,
    );
  return {
    userId: grants[0]!.id,
    superAdmin: false,
    grants: grants
      .filter((g) => g.path && g.role)
      .map((g) => ({ nodePath: g.path!, role: g.role! })),
  };
}
