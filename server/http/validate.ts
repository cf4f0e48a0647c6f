// zod validation at the edge: one hook answers 400 in the contract's error shape.
import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { z } from 'zod';
import { errorBody } from './errors.js';

type Issue = { path: PropertyKey[]; message: string };

export function invalid(c: Context, target: string, issues: readonly Issue[]) {
  const details = issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const first = details[0];
  const message = first ? `Invalid ${target}: ${first.path || '(body)'}: ${first.message}` : `Invalid ${target}.`;
  return c.json(errorBody('INVALID_REQUEST', message, details), 400);
}

export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result, c) => {
    if (!result.success) return invalid(c, target, result.error.issues);
  });

const MAX_ISSUES = 50;

/**
 * Checks every item of the (already validated) JSON body's `key` array against `schema`,
 * keeping the parsed items as they are: for large batches whose schema has no transforms.
 */
export const validateEach = (key: string, schema: z.ZodType) =>
  createMiddleware(async (c, next) => {
    const items = ((await c.req.json()) as Record<string, unknown[]>)[key] ?? [];
    const issues: Issue[] = [];
    for (let i = 0; i < items.length && issues.length < MAX_ISSUES; i++) {
      const result = schema.safeParse(items[i]);
      if (!result.success) for (const issue of result.error.issues) issues.push({ path: [key, i, ...issue.path], message: issue.message });
    }
    if (issues.length) return invalid(c, 'json', issues);
    await next();
  });
