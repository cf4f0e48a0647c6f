// The Gatecell service: small middleware and one router per feature, composed here.
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { swaggerUI } from '@hono/swagger-ui';
import { cors } from 'hono/cors';
import { authenticate } from './http/auth.js';
import { bodyRules } from './http/body.js';
import { answerHeaders, noStore, requestIds } from './http/headers.js';
import { requestLog } from './http/log.js';
import type { AppEnv, Deps } from './http/env.js';
import { errorBody, onError } from './http/errors.js';
import { documented, OPENAPI_PATH, openApiDocument } from './http/openapi.js';
import { HealthAnswer } from '../shared/api/answers.js';
import { approvalRoutes } from './features/approvals/routes.js';
import { auditRoutes } from './features/audit/routes.js';
import { decisionRoutes } from './features/decisions/routes.js';
import { notificationRoutes } from './features/notifications/routes.js';
import { workbookRoutes } from './features/workbooks/routes.js';
import { exceptionRoutes } from './features/exceptions/routes.js';
import { gateRoutes } from './features/gates/routes.js';
import { hierarchyRoutes } from './features/hierarchy/routes.js';
import { measureRoutes } from './features/measures/routes.js';
import { reportingRoutes } from './features/reporting/routes.js';
import { syncRoutes } from './features/sync/routes.js';

export const VERSION = '0.1.0';

export function createApi(deps: Deps) {
  const api = new Hono<AppEnv>()
    .use('*', noStore)
    // Bearer tokens, never cookies: any origin may call (a pane hosted elsewhere, BI tools).
    .use(
      '*',
      cors({
        origin: '*',
        allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
        exposeHeaders: ['X-Request-Id'],
        allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
        maxAge: 600,
      }),
    )
    .get(
      '/health',
      documented({
        tag: 'Service',
        summary: 'Whether the service is up, and its version',
        answers: { 200: HealthAnswer },
        public: true,
      }),
      (c) => c.json({ ok: true, version: VERSION, sso: !!deps.sso }, 200),
    )
    .use('*', authenticate(deps))
    .use('*', bodyRules)
    .route('/', hierarchyRoutes(deps))
    .route('/', measureRoutes(deps))
    .route('/', syncRoutes(deps))
    .route('/', approvalRoutes(deps))
    .route('/', gateRoutes(deps))
    .route('/', exceptionRoutes(deps))
    .route('/', reportingRoutes(deps))
    .route('/', decisionRoutes(deps))
    .route('/', notificationRoutes(deps))
    .route('/', workbookRoutes(deps))
    .route('/', auditRoutes(deps));
  return api;
}

export interface PaneOptions {
  /** The built task pane (dist/pane). */
  dir: string;
  /** office.js from Microsoft's CDN (the default for users) or the copy in node_modules (offline). */
  officeJs: 'cdn' | 'local';
  /** The origin users reach the service at: /manifest.xml points there (the checked-in manifest is for https://localhost:3000). */
  publicOrigin?: string;
  /** Office single sign-on: the app registration's client id, written into /manifest.xml. */
  ssoClientId?: string | undefined;
}

/**
 * The checked-in manifest with every URL moved to `origin`; with single sign-on, the app
 * registration Office asks Microsoft Entra ID for tokens of (WebApplicationInfo, which must be
 * the last child of VersionOverrides): its client id, and the Application ID URI Office SSO
 * expects, api://{host}/{client id}.
 */
export function manifestFor(template: string, origin: string, ssoClientId?: string): string {
  const moved = template.replaceAll(MANIFEST_ORIGIN, origin);
  if (!ssoClientId) return moved;
  const info = [
    '    <WebApplicationInfo>',
    `      <Id>${ssoClientId}</Id>`,
    `      <Resource>api://${new URL(origin).host}/${ssoClientId}</Resource>`,
    '      <Scopes>',
    '        <Scope>openid</Scope>',
    '        <Scope>profile</Scope>',
    '      </Scopes>',
    '    </WebApplicationInfo>',
    '',
  ].join('\n');
  return moved.replace('  </VersionOverrides>', `${info}  </VersionOverrides>`);
}
export const MANIFEST_ORIGIN = 'https://localhost:3000';

const OFFICE_CDN = 'https://appsforoffice.microsoft.com/lib/1/hosted/';

/** Swagger UI's files, at the path @hono/swagger-ui asks for under its `baseUrl`. */
const DOCS_ASSETS = '/api/docs/assets';
const SWAGGER_UI = `${DOCS_ASSETS}/swagger-ui-dist`;

export function createApp(deps: Deps, pane?: PaneOptions) {
  const api = createApi(deps);
  // The contract as the code states it: generated once from the routes' schemas (no state).
  let document: ReturnType<typeof openApiDocument> | undefined;
  const app = new Hono<AppEnv>()
    .use('*', requestIds)
    .use('*', answerHeaders)
    .use('*', deps.log ? requestLog(deps.log, deps.trustProxy) : (_, next) => next())
    // Public, before the API's authentication: the contract is no secret.
    .get(OPENAPI_PATH, async (c) => {
      // A failed generation is not kept: the next request tries again.
      document ??= openApiDocument(api, VERSION).catch((e: unknown) => {
        document = undefined;
        throw e;
      });
      return c.json(await document);
    })
    // The reference page, with Swagger UI served from our own copy (no CDN, works air-gapped).
    .get(
      `${SWAGGER_UI}/*`,
      serveStatic({
        root: 'node_modules/swagger-ui-dist',
        rewriteRequestPath: (p) => p.slice(SWAGGER_UI.length),
      }),
    )
    .get(
      '/api/docs',
      swaggerUI({
        url: OPENAPI_PATH,
        baseUrl: DOCS_ASSETS,
        title: 'Gatecell API',
      }),
    )
    .route('/api/v1', api);
  if (pane) {
    app.get('/', (c) => c.redirect('/taskpane.html'));
    app.get(
      '/office-js/*',
      pane.officeJs === 'local'
        ? serveStatic({
            root: 'node_modules/@microsoft/office-js/dist',
            rewriteRequestPath: (p) => p.slice('/office-js'.length),
          })
        : (c) => c.redirect(OFFICE_CDN + c.req.path.slice('/office-js/'.length)),
    );
    const manifest = manifestFor(
      readFileSync('manifest.xml', 'utf8'),
      pane.publicOrigin ?? MANIFEST_ORIGIN,
      pane.ssoClientId,
    );
    app.get('/manifest.xml', (c) =>
      c.body(manifest, 200, { 'content-type': 'application/xml; charset=utf-8' }),
    );
    app.use('/*', serveStatic({ root: pane.dir }));
  }
  app.notFound((c) =>
    c.json(errorBody('NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`), 404),
  );
  app.onError(onError);
  return app;
}

export type AppType = ReturnType<typeof createApp>;
