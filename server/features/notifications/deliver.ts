// Delivering the outbox: each instance of the service claims what is due (a lease, so a delivery
// is attempted by one instance at a time), posts it signed, and records what came of it — retried
// with backoff for a day, then given up. Never on a request's path: a slow or dead receiver holds
// up nothing but its own deliveries.
import { createHmac } from 'node:crypto';
import { GIVE_UP_MS, retryDelayMs } from '../../../shared/domain/notifications.js';
import type { Deps } from '../../http/env.js';
import { anyDue, claimDue, recordAttempt } from './store.js';

/** How long one attempt may take before it counts as failed. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** A claim outlives the attempt: another instance takes the delivery over only after this. */
const LEASE_MS = 60_000;
const BATCH = 20;

/** `sha256=` and the HMAC-SHA256 of the body with the webhook's secret, in hex. */
export const signature = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Delivers what is due now; answers how many attempts were made. */
export async function deliverDue(deps: Deps): Promise<number> {
  const now = deps.now();
  if (!(await anyDue(deps.db.client, now.toISOString()))) return 0;
  const claimed = await deps.db.write((tx) =>
    claimDue(tx, now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString(), BATCH),
  );
  await Promise.all(
    claimed.map(async (d) => {
      const outcome = await post(d.url, d.secret, d.id, d.event, d.body);
      const at = deps.now();
      const givenUp = at.getTime() - Date.parse(d.created_at) >= GIVE_UP_MS;
      await deps.db.write((tx) =>
        recordAttempt(tx, d.id, {
          status: outcome.ok ? 'delivered' : givenUp ? 'failed' : 'pending',
          at: at.toISOString(),
          nextAt:
            outcome.ok || givenUp
              ? null
              : new Date(at.getTime() + retryDelayMs(d.attempts)).toISOString(),
          httpStatus: outcome.status,
          error: outcome.error,
        }),
      );
    }),
  );
  return claimed.length;
}

async function post(url: string, secret: string, id: string, event: string, body: string) {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gatecell-event': event,
        'x-gatecell-delivery': id,
        'x-gatecell-signature': signature(secret, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return {
      ok: res.status >= 200 && res.status < 300,
      status: res.status,
      error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`,
    };
  } catch (e) {
    const error =
      (e as Error).name === 'TimeoutError'
        ? `no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`
        : `unreachable (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message})`;
    return { ok: false, status: null, error };
  }
}
