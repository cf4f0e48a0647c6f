// The OpenAPI 3.1 document of the API, generated (hono-openapi) from the same zod schemas that
// validate the requests (shared/api/schemas.ts) and shape the answers (shared/api/answers.ts):
// each route says what it answers with `documented`, its validators say what it takes.
import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';
import { describeRoute, generateSpecs, resolver, uniqueSymbol } from 'hono-openapi';
import type { z } from 'zod';
import { ErrorBody } from '../../shared/api/schemas.js';

type Success = 200 | 201 | 202;

export interface RouteDoc {
  /** The tag the reference page groups it under (the feature). */
  tag: string;
  summary: string;
  description?: string;
  /** What each success status answers. */
  answers: Partial<Record<Success, z.ZodType>>;
  /** No bearer token needed. */
  public?: boolean;
  /** A body the route reads itself (not through a validator), by media type: what it holds. */
  body?: Record<string, string>;
  /** Other media types the 200 answers (CSV on Accept: text/csv; a file), and what they hold. */
  alsoAs?: Record<string, string>;
}

const json = (schema: z.ZodType) => ({ 'application/json': { schema: resolver(schema) } });

/** Describes a route for the document: its answers, and every failure in the one error shape. */
export function documented(doc: RouteDoc): MiddlewareHandler {
  return describeRoute({
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.public ? { security: [] } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              Object.entries(doc.body).map(([media, description]) => [
                media,
                { schema: { type: 'string', description } },
              ]),
            ),
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries({
          // A route answering only a file (an .xlsx) documents its 200 by media type alone.
          ...(doc.alsoAs ? { 200: undefined } : {}),
          ...doc.answers,
        } as Record<string, z.ZodType | undefined>).map(([status, schema]) => [
          status,
          {
            description: doc.summary,
            content: {
              ...(schema ? json(schema) : {}),
              ...(status === '200' && doc.alsoAs
                ? Object.fromEntries(
                    Object.entries(doc.alsoAs).map(([media, description]) => [
                      media,
                      { schema: { type: 'string', description } },
                    ]),
                  )
                : {}),
            },
          },
        ]),
      ),
      default: {
        description:
          'Any failure: `{"error": {"code", "message", "details"}}` with the status that says what kind.',
        content: json(ErrorBody),
      },
    },
  });
}

/** Marks a hand-written validator with the body it validates, for the document. */
export function documentsBody<M extends object>(middleware: M, body: z.ZodType): M {
  return Object.assign(middleware, { [uniqueSymbol]: { target: 'json', ...resolver(body) } });
}

export const OPENAPI_PATH = '/api/v1/openapi.json';

export type OpenApiDocument = Awaited<ReturnType<typeof generateSpecs>>;

/** The document of `api` (mounted at /api/v1). */
export function openApiDocument(api: Hono<AppEnv>, version: string) {
  return generateSpecs(api, {
    documentation: {
      openapi: '3.1.0',
      info: {
        title: 'Gatecell API',
        version,
        description:
          'Governed execution of S&OP and cost programs: the one record behind the Excel add-in. ' +
          'Amounts are decimal numbers in the organization currency; months are YYYY-MM.',
      },
      servers: [{ url: '/api/v1' }],
      security: [{ bearer: [] }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A Gatecell token (integrations, the pane’s sign-in form).',
          },
        },
      },
    },
    // Failures are documented once per route as `default`, in the one error shape.
    defaultValidationErrorResponse: false,
  });
}
