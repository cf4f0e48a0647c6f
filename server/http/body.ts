// Request bodies: how much of one is read, and how deeply a JSON body may nest (api-v1.md,
// "Integrity of the record": 1 MiB for every JSON endpoint, 64 MiB for the push and CSV imports;
// nesting past 32 levels is 400). Applied to every route at once, so no route can forget it.
import { isAscii } from 'node:buffer';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './errors.js';

export const MAX_JSON_BYTES = 1024 * 1024;
export const MAX_BATCH_BYTES = 64 * 1024 * 1024;
export const MAX_JSON_DEPTH = 32;

/** Routes whose bodies are batches (a push, a ledger export): the larger limit. */
const BATCH_ROUTES = new Set(['/sync/push', '/import/actuals']);

const megabytes = (bytes: number) => `${bytes / 1024 / 1024} MB`;

/**
 * hono's bodyLimit, except that a body whose size Content-Length declares (Node's parser holds the
 * sender to it) is not touched here: reading `raw.body` would turn @hono/node-server's direct read
 * of the socket into a web stream, about 20 ms more for an 8 MB push. A body without one is
 * counted as it streams in and refused once it passes the limit, unread beyond that.
 */
function limit(max: number, message: string): MiddlewareHandler {
  const overLimit = (): never => {
    throw new ApiError(413, 'TOO_LARGE', message);
  };
  const counted = bodyLimit({ maxSize: max, onError: overLimit });
  return (c, next) => {
    const declared = c.req.header('content-length');
    if (declared === undefined || c.req.header('transfer-encoding') !== undefined)
      return counted(c, next);
    return Number(declared) > max ? overLimit() : next();
  };
}

const jsonLimit = limit(MAX_JSON_BYTES, `The body is over ${megabytes(MAX_JSON_BYTES)}.`);
const batchLimit = limit(
  MAX_BATCH_BYTES,
  `The body is over ${megabytes(MAX_BATCH_BYTES)}: split the batch.`,
);

/**
 * Whether the JSON nests deeper than `max` arrays and objects. One pass over the UTF-8 bytes,
 * strings skipped (every byte of a multi-byte character is ≥ 0x80, so none is mistaken for a
 * bracket or a quote): it runs before JSON.parse, which takes tens of seconds on a body of
 * millions of brackets, and before any schema walks the value. Bytes, not the decoded text: the
 * scan of an 8 MB push takes a third of the time.
 */
export function nestsDeeperThan(json: Uint8Array, max: number): boolean {
  let depth = 0;
  let i = 0;
  const n = json.length;
  while (i < n) {
    const c = json[i++]!;
    if (c === 34 /* " */) {
      // To the closing quote: a backslash escapes the byte after it.
      while (i < n) {
        const d = json[i++]!;
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

const utf8 = new TextDecoder();
/**
 * A body's text: its UTF-8, made as Latin-1 when every byte is ASCII (the same text, in about a
 * third of the time for a push of 8 MB).
 */
const textOf = (bytes: Uint8Array) =>
  isAscii(bytes)
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
    : utf8.decode(bytes);

const isJson = (contentType: string | undefined) =>
  !contentType || /^application\/([\w.+-]*\+)?json\b/i.test(contentType);

/** Size limit for every body; nesting limit for every JSON body. The text read is kept for the route. */
export const bodyRules: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS')
    return next();
  const route = c.req.path.replace(/^\/api\/v1/, '');
  const sized = BATCH_ROUTES.has(route) ? batchLimit : jsonLimit;
  return sized(c, async () => {
    if (isJson(c.req.header('content-type'))) {
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (nestsDeeperThan(bytes, MAX_JSON_DEPTH))
        throw new ApiError(
          400,
          'TOO_DEEP',
          `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`,
        );
      // Kept as Hono's text of the body: the route's validator parses this same copy.
      // (Hono's type says a string; it keeps, and awaits, the promise of one.)
      (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(textOf(bytes));
    }
    await next();
  });
};
