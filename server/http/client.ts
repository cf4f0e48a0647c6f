// Who is calling, as a network address: the socket's, or — behind a proxy the operator trusts
// (GATECELL_TRUST_PROXY=1) — the first X-Forwarded-For hop, the client the proxy saw. Without
// that setting the header is ignored: any client could write it.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** The client's address; null where there is no socket (app.request in tests and tools). */
export function clientAddress(c: Context, trustProxy = false): string | null {
  if (trustProxy) {
    const first = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (first) return first;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}
