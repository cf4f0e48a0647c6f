// zod validation at the edge: one hook answers 400 in the contract's error shape.
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { errorBody } from './errors.js';

export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const details = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      const first = details[0];
      const message = first ? `Invalid ${target}: ${first.path || '(body)'}: ${first.message}` : `Invalid ${target}.`;
      return c.json(errorBody('INVALID_REQUEST', message, details), 400);
    }
  });
