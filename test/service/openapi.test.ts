// The OpenAPI document is generated from the schemas the service validates and answers with,
// covers every route, is served with a reference page, and the check that holds the tests'
// traffic to it (test/conformance.ts) does refuse what the document does not say.
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MeasureAnswer } from '../../shared/api/answers.js';
import { CELL_KINDS } from '../../shared/model.js';
import { VERSION } from '../../server/app.js';
import { OPENAPI_PATH, type OpenApiDocument } from '../../server/http/openapi.js';
import { conformanceOf } from '../conformance.js';
import { type Harness, harness } from '../helpers.js';

let h: Harness;
let doc: OpenApiDocument;
beforeAll(async () => {
  h = await harness();
  const res = await h.app.request(OPENAPI_PATH); // no token: the contract is public
  expect(res.status).toBe(200);
  doc = await res.json();
});

type Operation = {
  responses: Record<string, { content?: Record<string, { schema: any }> }>;
  requestBody?: { content: Record<string, { schema: any }> };
};
const op = (path: string, method: string) =>
  (doc.paths as Record<string, Record<string, Operation>>)[path]![method]!;

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 of this version, with bearer tokens, health public', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(VERSION);
    expect(doc.components?.securitySchemes).toHaveProperty('bearer');
    expect((op('/health', 'get') as { security?: unknown }).security).toEqual([]);
  });

  it('lists every route of the API with the shape of each success (JSON, or a file)', () => {
    const routes = h.app.routes
      .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL' && r.path !== OPENAPI_PATH)
      .map(
        (r) =>
          `${r.method.toLowerCase()} ${r.path.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}')}`,
      );
    const unique = [...new Set(routes)];
    expect(unique.length).toBeGreaterThan(35);
    for (const route of unique) {
      const [method, path] = route.split(' ') as [string, string];
      const operation = (doc.paths as Record<string, Record<string, Operation>>)[path]?.[method];
      expect(operation, `${route} is in the document`).toBeDefined();
      const successes = Object.entries(operation!.responses).filter(([s]) => /^2\d\d$/.test(s));
      expect(successes.length, `${route} documents its success`).toBeGreaterThan(0);
      // A success is JSON in the shape of its schema, or (a download) a file of the media type it names.
      for (const [status, r] of successes)
        expect(
          r.content?.['application/json']?.schema ??
            r.content?.['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
          `${route} ${status}`,
        ).toBeDefined();
      expect(operation!.responses.default?.content?.['application/json']?.schema).toBeDefined();
    }
  });

  it('is generated from the schemas the service answers and validates with', () => {
    const measure = op('/measures/{code}', 'get').responses['200']!.content!['application/json']!
      .schema;
    const { $schema: _, ...fromZod } = z.toJSONSchema(MeasureAnswer) as Record<string, unknown>;
    expect(measure).toEqual(fromZod);
    const push = op('/sync/push', 'post').requestBody!.content['application/json']!.schema;
    expect(push.properties.changes.items.properties.kind.enum).toEqual([...CELL_KINDS]);
    expect(op('/cells', 'get')).toMatchObject({
      parameters: expect.arrayContaining([
        expect.objectContaining({ name: 'scope', in: 'query', required: true }),
      ]),
    });
  });

  it('has a reference page served from our own copy of Swagger UI', async () => {
    const page = await h.app.request('/api/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(OPENAPI_PATH);
    const script = html.match(/src="([^"]+swagger-ui-bundle\.js)"/)?.[1];
    expect(script).toMatch(/^\/api\/docs\/assets\//);
    const asset = await h.app.request(script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    // Only Swagger UI's own files are served there, nothing else of node_modules.
    expect((await h.app.request('/api/docs/assets/hono/package.json')).status).toBe(404);
  });
});

describe('the check of the tests’ traffic against the document', () => {
  const exchange = (over: Partial<Parameters<ReturnType<typeof conformanceOf>>[0]>) => ({
    method: 'GET',
    path: '/health',
    requestBody: null,
    status: 200,
    contentType: 'application/json',
    answer: JSON.stringify({ ok: true, version: VERSION, sso: false }),
    ...over,
  });

  it('passes what the document says', () => {
    expect(conformanceOf(doc)(exchange({}))).toEqual([]);
  });

  it('refuses an answer with a field the document lacks, or without one it requires', () => {
    const check = conformanceOf(doc);
    expect(
      check(
        exchange({ answer: JSON.stringify({ ok: true, version: VERSION, sso: false, extra: 1 }) }),
      ),
    ).toEqual([expect.stringMatching(/additional properties.*extra/)]);
    expect(check(exchange({ answer: JSON.stringify({ ok: true }) }))).toEqual([
      expect.stringMatching(/version/),
    ]);
  });

  it('refuses a success the route does not list, an error not in the error shape, a route not in the document', () => {
    const check = conformanceOf(doc);
    expect(check(exchange({ status: 201 }))).toEqual([
      expect.stringMatching(/does not list/),
      expect.stringMatching(/not what the document says/),
    ]);
    expect(check(exchange({ status: 403, answer: JSON.stringify({ message: 'no' }) }))).toEqual([
      expect.stringMatching(/not what the document says/),
    ]);
    expect(check(exchange({ path: '/nowhere', status: 200 }))).toEqual([
      expect.stringMatching(/not in the document/),
    ]);
  });

  it('refuses a JSON body the document refuses being accepted', () => {
    const check = conformanceOf(doc);
    const accepted = (body: unknown) =>
      check(
        exchange({
          method: 'POST',
          path: '/exceptions/e1/resolve',
          requestBody: JSON.stringify(body),
          answer: JSON.stringify({}),
        }),
      ).filter((p) => p.includes('accepted'));
    expect(accepted({ comment: 'fine' })).toEqual([]);
    expect(accepted({ comment: 5 })).toEqual([expect.stringMatching(/accepted a body/)]);
  });
});
