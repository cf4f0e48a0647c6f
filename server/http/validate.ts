// zod validation at the edge: one hook answers 400 in the contract's error shape.
import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { ApiError, errorBody } from './errors.js';

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
 * A JSON body carrying a large array (a push): parsed once, the envelope checked by `envelope`,
 * then every item by `item` with zod's parsed copies thrown away at once (the items are used as
 * parsed, so `item` must have no transforms). More than `max` items is a 413.
 */
export const validateBatch = <E extends z.ZodType>(envelope: E, key: string, item: z.ZodType, max: number) =>
  validator('json', (value: unknown, c) => {
    const items = (value as Record<string, unknown> | null)?.[key];
    if (Array.isArray(items) && items.length > max)
      throw new ApiError(413, 'TOO_MANY_CHANGES', `A batch holds at most ${max} ${key}; this one has ${items.length}.`);
    const parsed = envelope.safeParse(value);
    if (!parsed.success) return invalid(c, 'json', parsed.error.issues);
    const issues: Issue[] = [];
    for (let i = 0; i < (items as unknown[]).length && issues.length < MAX_ISSUES; i++) {
      const result = item.safeParse((items as unknown[])[i]);
      if (!result.success) for (const issue of result.error.issues) issues.push({ path: [key, i, ...issue.path], message: issue.message });
    }
    if (issues.length) return invalid(c, 'json', issues);
    return parsed.data as z.infer<E>;
  });
