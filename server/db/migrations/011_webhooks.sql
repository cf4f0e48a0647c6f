-- Notifications (issue 12): webhooks on nodes, and their deliveries — an outbox written in the
-- transaction of the write that caused them, posted in the background by whichever instance
-- claims them first (lease_until), retried with backoff for a day. The secret signs the bodies
-- (HMAC-SHA256); it is kept to sign, never answered.
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  node_id INTEGER NOT NULL REFERENCES nodes(id),
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX webhooks_node ON webhooks(node_id);
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL REFERENCES webhooks(id),
  event TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  -- pending | delivered | failed (given up a day after it was made)
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_at TEXT NOT NULL,
  lease_until TEXT,
  last_attempt_at TEXT,
  last_status INTEGER,
  last_error TEXT,
  delivered_at TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, created_at);
