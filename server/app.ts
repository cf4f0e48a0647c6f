// The Gatecell service: small middleware and one router per feature, composed here.
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { authenticate } from './http/auth.js';
import type { AppEnv, Deps } from './http/env.js';
import { errorBody, onError } from './http/errors.js';
import { approvalRoutes } from './features/approvals/routes.js';
import { auditRoutes } from './features/audit/routes.js';
import { exceptionRoutes } from './features/exceptions/routes.js';
import { gateRoutes } from './features/gates/routes.js';
import { hierarchyRoutes } from './features/hierarchy/routes.js';
import { measureRoutes } from './features/measures/routes.js';
import { reportingRoutes } from './features/reporting/rollup.js';
import { syncRoutes } from './features/sync/routes.js';

export const VERSION = '0.1.0';

export function createApi(deps: Deps) {
  const api = new Hono<AppEnv>()
    .get('/health', (c) => c.json({ ok: true, version: VERSION }, 200))
    .use('*', authenticate(deps))
    .route('/', hierarchyRoutes(deps))
    .route('/', measureRoutes(deps))
    .route('/', syncRoutes(deps))
    .route('/', approvalRoutes(deps))
    .route('/', gateRoutes(deps))
    .route('/', exceptionRoutes(deps))
    .route('/', reportingRoutes(deps))
    .route('/', auditRoutes(deps));
  return api;
}

export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>()
    .use('*', requestId())
    .route('/api/v1', createApi(deps));
  app.notFound((c) => c.json(errorBody('NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`), 404));
  app.onError(onError);
  return app;
}

export type AppType = ReturnType<typeof createApp>;
