// The headers every answer carries (api-v1.md, "Identity and access"): the service's own id for
// the request, nosniff, and a Content-Security-Policy that lets only the Office hosts (and a
// local development host) frame the pane; API answers are never cached.
import { every } from 'hono/combine';
import { createMiddleware } from 'hono/factory';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './env.js';

/**
 * Where Office frames the task pane: Office on the web (its hosts, SharePoint and Teams), and
 * localhost for development. Desktop Excel runs the pane in a webview of its own, framed by none.
 */
export const OFFICE_FRAME_ANCESTORS = [
  "'self'",
  'https://*.officeapps.live.com',
  'https://*.office.com',
  'https://*.office365.com',
  'https://*.microsoft365.com',
  'https://*.cloud.microsoft',
  'https://*.sharepoint.com',
  'https://localhost:*',
  'http://localhost:*',
];

/** What a client may send as its own request id (kept on the audit events as clientRequestId). */
const CLIENT_REQUEST_ID = /^[\w\-=.:]{1,255}$/;

/**
 * The service's id for each request, made here and never taken from the client (it is what the
 * audit trail records), answered as X-Request-Id. A client's own X-Request-Id is kept apart.
 */
export const requestIds = every(
  requestId({ headerName: '' }),
  createMiddleware<AppEnv>(async (c, next) => {
    const own = c.req.header('x-request-id');
    if (own !== undefined && CLIENT_REQUEST_ID.test(own)) c.set('clientRequestId', own);
    c.header('X-Request-Id', c.get('requestId'));
    await next();
  }),
);

/**
 * nosniff and no referrer everywhere, and the pane's framing. Hono's other defaults are left off on
 * purpose: X-Frame-Options and Cross-Origin-Opener-Policy would break the pane inside Office on
 * the web, and Strict-Transport-Security is the deployment's to set (on localhost it would bind
 * every other local project to HTTPS).
 */
export const answerHeaders = secureHeaders({
  contentSecurityPolicy: { frameAncestors: OFFICE_FRAME_ANCESTORS },
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  strictTransportSecurity: false,
  xFrameOptions: false,
});

/** API answers hold a person's view of the record: no cache keeps them. */
export const noStore = createMiddleware(async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
});
