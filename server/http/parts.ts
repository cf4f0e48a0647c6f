// A JSON answer sent as the parts it is made of, as they come: text the route writes around
// bytes SQLite wrote (a pull's cells, a page of measures at a time). The bytes go out as they are,
// never joined into one more copy of themselves, and a part is read only once the one before it
// was taken by the connection.
import type { Context } from 'hono';

const encoder = new TextEncoder();

export function jsonOfParts(
  c: Context,
  parts: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): Response {
  const it =
    Symbol.asyncIterator in parts
      ? parts[Symbol.asyncIterator]()
      : (parts as Iterable<string | Uint8Array>)[Symbol.iterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : value);
    },
    async cancel() {
      await it.return?.();
    },
  });
  return c.body(body, 200, { 'content-type': 'application/json; charset=UTF-8' });
}
