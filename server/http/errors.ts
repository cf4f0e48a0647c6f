// Every failure leaves the service as {"error": {code, message, details}} (api-v1.md).
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from '../../shared/api/schemas.js';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', `${what} not found.`);
export const forbidden = (message: string) => new ApiError(403, 'FORBIDDEN', message);
export const unprocessable = (code: string, message: string, details?: unknown) =>
  new ApiError(422, code, message, details);
export const conflict = (code: string, message: string, details?: unknown) =>
  new ApiError(409, code, message, details);

export const errorBody = (code: string, message: string, details?: unknown): ErrorBody => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

export function onError(err: Error, c: Context) {
  if (err instanceof ApiError)
    return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = status === 413 ? 'TOO_LARGE' : status === 401 ? 'UNAUTHORIZED' : 'BAD_REQUEST';
    return c.json(errorBody(code, err.message || 'Bad request.'), status);
  }
  if (err instanceof SyntaxError)
    return c.json(errorBody('MALFORMED_JSON', 'The body is not valid JSON.'), 400);
  console.error(err);
  return c.json(
    errorBody('INTERNAL', 'Something went wrong on our side; nothing was written.'),
    500,
  );
}
