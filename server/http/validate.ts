// zod validation at the edge: one hook answers 400 in the contract's error shape.
import type { Context, ValidationTargets } from 'hono';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { validator as documentedValidator } from 'hono-openapi';
import { validator } from 'hono/validator';
import { z } from 'zod';
import { ApiError, errorBody } from './errors.js';
import { documentsBody } from './openapi.js';

type Issue = { readonly path?: readonly (PropertyKey | { key: PropertyKey })[]; message: string };

export function invalid(c: Context, target: string, issues: readonly Issue[]) {
  const details = issues.map((i) => ({
    path: (i.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.'),
    message: i.message,
  }));
  const first = details[0];
  const message = first
    ? `Invalid ${target}: ${first.path || '(body)'}: ${first.message}`
    : `Invalid ${target}.`;
  return c.json(errorBody('INVALID_REQUEST', message, details), 400);
}

/** Validates one part of the request (and puts its schema in the OpenAPI document). */
export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) =>
  documentedValidator(target, schema, (result, c) => {
    if (!result.success) return invalid(c, target, result.error);
  });

const MAX_ISSUES = 50;

// String lengths are in code points for both (zod counts them so, as ajv does by default).
const ajv = new Ajv2020({ strict: false });

/**
 * A zod schema compiled by ajv from its JSON Schema: a check that allocates nothing when the
 * value is valid (zod builds a copy and a payload per field: ≈ 0.9 KB per push change, 88 MB for
 * a 96,000-change batch). It only ever says yes to what zod accepts (property-tested); when it
 * says no, zod decides and words the error. The zod schema stays the one definition.
 */
export function fastAccept(schema: z.ZodType): (value: unknown) => boolean {
  const check = ajv.compile(z.toJSONSchema(schema, { io: 'input' }));
  return (value) => check(value) as boolean;
}

/**
 * A JSON body carrying a large array (a push): parsed once, the envelope checked by `envelope`,
 * then every item against `item` — through its ajv compilation, and zod for any item that refuses
 * (the items are used as parsed, so `item` must have no transforms). More than `max` items is a 413.
 */
export const validateBatch = <E extends z.ZodType>(
  envelope: E,
  key: string,
  item: z.ZodType,
  max: number,
) => {
  const accepts = fastAccept(item);
  const documentedAs =
    envelope instanceof z.ZodObject ? envelope.extend({ [key]: z.array(item) }) : envelope;
  const middleware = validator('json', (value: unknown, c) => {
    const items = (value as Record<string, unknown> | null)?.[key];
    if (Array.isArray(items) && items.length > max)
      throw new ApiError(
        413,
        'TOO_MANY_CHANGES',
        `A batch holds at most ${max} ${key}; this one has ${items.length}.`,
      );
    // The envelope is parsed without its items: zod would copy a 100,000-item array only to say
    // that it is one.
    const parsed = envelope.safeParse(
      Array.isArray(items) ? { ...(value as object), [key]: [] } : value,
    );
    if (!parsed.success) return invalid(c, 'json', parsed.error.issues);
    const issues: Issue[] = [];
    for (let i = 0; i < (items as unknown[]).length && issues.length < MAX_ISSUES; i++) {
      if (accepts((items as unknown[])[i])) continue;
      const result = item.safeParse((items as unknown[])[i]);
      if (!result.success)
        for (const issue of result.error.issues)
          issues.push({ path: [key, i, ...issue.path], message: issue.message });
    }
    if (issues.length) return invalid(c, 'json', issues);
    return { ...(parsed.data as object), [key]: items } as z.infer<E>;
  });
  return documentsBody(middleware, documentedAs);
};
