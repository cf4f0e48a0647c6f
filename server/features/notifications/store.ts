// The notifications' SQL: webhooks per node, and their deliveries — an outbox written in the
// transaction of the write that caused them, claimed by one instance at a time (a lease), retried
// with backoff, kept with every attempt's outcome.
import { type Exec, one, rows } from '../../db/db.js';
import { underPrefixes } from '../hierarchy/store.js';

export interface WebhookRow {
  id: string;
  node_id: number;
  node: string;
  path: string;
  url: string;
  events: string;
  secret: string;
  created_by: string;
  created_at: string;
}

export const insertWebhook = (
  x: Exec,
  h: { id: string; nodeId: number; url: string; events: readonly string[]; secret: string },
  by: string,
  at: string,
) =>
  x.execute({
    sql: 'INSERT INTO webhooks (id, node_id, url, events, secret, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    args: [h.id, h.nodeId, h.url, JSON.stringify(h.events), h.secret, by, at],
  });

const WEBHOOK = `SELECT h.id, h.node_id, n.code AS node, n.path, h.url, h.events, h.secret, h.created_by, h.created_at
  FROM webhooks h JOIN nodes n ON n.id = h.node_id`;

export const webhookById = (x: Exec, id: string) =>
  one<WebhookRow>(x, `${WEBHOOK} WHERE h.id = ? AND h.removed_at IS NULL`, [id]);

/** The webhooks on the node or below it (what an admin of it sees), but the removed ones. */
export const webhooksUnder = (x: Exec, prefix: string) => {
  const list = (removed: string) =>
    rows<WebhookRow>(
      x,
      `${WEBHOOK} WHERE ${underPrefixes('h.node_id')}${removed} ORDER BY h.created_at, h.id`,
      [JSON.stringify([prefix])],
    );
  return list(' AND h.removed_at IS NULL').catch((e: unknown) => {
    // Before migration 012 none is removed.
    if (/no such column: h\.removed_at/.test(String(e))) return list('');
    throw e;
  });
};

/** Every webhook (a handful): the outbox matches a write's events against them. */
export const allWebhooks = async (x: Exec) =>
  rows<WebhookRow>(x, `${WEBHOOK} WHERE h.removed_at IS NULL`).catch((e: unknown) => {
    // Before migration 011 there are none, before 012 none is removed (the migrations write
    // through the same path).
    if (/no such table: webhooks/.test(String(e))) return [];
    if (/no such column: h\.removed_at/.test(String(e))) return rows<WebhookRow>(x, WEBHOOK);
    throw e;
  });

/** Removes a webhook: kept as the history of its deliveries; what was pending is given up. */
export async function removeWebhook(x: Exec, id: string, by: string, at: string) {
  await x.execute({
    sql: 'UPDATE webhooks SET removed_at = ?, removed_by = ? WHERE id = ?',
    args: [at, by, id],
  });
  await x.execute({
    sql: `UPDATE webhook_deliveries SET status = 'failed', lease_until = NULL, last_error = 'the webhook was removed'
          WHERE webhook_id = ? AND status = 'pending'`,
    args: [id],
  });
}

/** The nodes the events name: code, path, and the people a measure names. */
export const nodesForEvents = (x: Exec, ids: readonly number[]) =>
  rows<{
    id: number;
    code: string;
    path: string;
    controller_id: string | null;
    sponsor_id: string | null;
  }>(
    x,
    `SELECT n.id, n.code, n.path, m.controller_id, m.sponsor_id FROM nodes n LEFT JOIN measures m ON m.node_id = n.id
     WHERE n.id IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(ids)],
  );

export const enqueueDelivery = (
  x: Exec,
  d: { id: string; webhookId: string; event: string; body: string },
  at: string,
) =>
  x.execute({
    sql: `INSERT INTO webhook_deliveries (id, webhook_id, event, body, created_at, status, attempts, next_at)
          VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)`,
    args: [d.id, d.webhookId, d.event, d.body, at, at],
  });

/** Whether anything is due at `now` (a read: most rounds find nothing, and take no write lock). */
export const anyDue = async (x: Exec, now: string) =>
  !!(await one(
    x,
    "SELECT 1 AS due FROM webhook_deliveries WHERE status = 'pending' AND next_at <= ? LIMIT 1",
    [now],
  ));

export interface ClaimedDelivery {
  id: string;
  event: string;
  body: string;
  attempts: number;
  created_at: string;
  url: string;
  secret: string;
}

/**
 * Claims up to `limit` deliveries due at `now` for this instance until `leaseUntil`: one UPDATE,
 * so two instances never claim the same one (SQLite runs one writer at a time). An instance that
 * dies mid-attempt leaves a lease that ends, and the delivery is tried again.
 */
export const claimDue = (x: Exec, now: string, leaseUntil: string, limit: number) =>
  rows<ClaimedDelivery>(
    x,
    `UPDATE webhook_deliveries SET lease_until = ?2, attempts = attempts + 1
     WHERE id IN (SELECT id FROM webhook_deliveries
                  WHERE status = 'pending' AND next_at <= ?1 AND (lease_until IS NULL OR lease_until <= ?1)
                    AND webhook_id IN (SELECT id FROM webhooks WHERE removed_at IS NULL)
                  ORDER BY next_at LIMIT ?3)
     RETURNING id, event, body, attempts, created_at,
       (SELECT url FROM webhooks h WHERE h.id = webhook_id) AS url,
       (SELECT secret FROM webhooks h WHERE h.id = webhook_id) AS secret`,
    [now, leaseUntil, limit],
  );

/**
 * What one attempt came to: delivered, to be tried again at `nextAt`, or given up. A delivery
 * given up meanwhile (its webhook removed) stays so, unless this attempt delivered it.
 */
export const recordAttempt = (
  x: Exec,
  id: string,
  a: {
    status: 'delivered' | 'pending' | 'failed';
    at: string;
    nextAt: string | null;
    httpStatus: number | null;
    error: string | null;
  },
) =>
  x.execute({
    sql: `UPDATE webhook_deliveries SET status = ?, next_at = coalesce(?, next_at), lease_until = NULL, last_status = ?,
            last_error = ?, last_attempt_at = ?, delivered_at = CASE WHEN ? = 'delivered' THEN ? END
          WHERE id = ? AND (status = 'pending' OR ? = 'delivered')`,
    args: [a.status, a.nextAt, a.httpStatus, a.error, a.at, a.status, a.at, id, a.status],
  });

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  event: string;
  status: string;
  attempts: number;
  created_at: string;
  next_at: string;
  last_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
}

/** The deliveries of the webhooks on the node or below it, newest first. */
export const deliveriesUnder = (x: Exec, prefix: string, limit: number) =>
  rows<DeliveryRow>(
    x,
    `SELECT d.id, d.webhook_id, d.event, d.status, d.attempts, d.created_at, d.next_at, d.last_attempt_at, d.last_status,
            d.last_error, d.delivered_at
     FROM webhook_deliveries d JOIN webhooks h ON h.id = d.webhook_id
     WHERE ${underPrefixes('h.node_id')} ORDER BY d.created_at DESC, d.id LIMIT ?2`,
    [JSON.stringify([prefix]), limit],
  );
