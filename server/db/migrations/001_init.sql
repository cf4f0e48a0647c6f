-- Gatecell's record. Money is INTEGER minor units; times are ISO-8601 UTC text.

CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta (key, value) VALUES ('revision', 0);

-- Organizations down to measures: one code namespace; `path` is "/id/…/id/" from the organization.
CREATE TABLE nodes (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  level TEXT NOT NULL,
  parent_id INTEGER REFERENCES nodes(id),
  org_id INTEGER NOT NULL,
  path TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX nodes_parent ON nodes(parent_id);
CREATE INDEX nodes_path ON nodes(path);

CREATE TABLE org_settings (org_id INTEGER PRIMARY KEY REFERENCES nodes(id), settings TEXT NOT NULL);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE grants (
  user_id TEXT NOT NULL REFERENCES users(id),
  node_id INTEGER NOT NULL REFERENCES nodes(id),
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, node_id, role)
);

CREATE TABLE measures (
  node_id INTEGER PRIMARY KEY REFERENCES nodes(id),
  title TEXT NOT NULL,
  description TEXT,
  category TEXT,
  impact_type TEXT,
  owner_id TEXT NOT NULL REFERENCES users(id),
  sponsor_id TEXT REFERENCES users(id),
  controller_id TEXT REFERENCES users(id),
  start_period TEXT,
  end_period TEXT,
  stage TEXT NOT NULL DEFAULT 'defined',
  on_hold INTEGER NOT NULL DEFAULT 0,
  hold_reason TEXT,
  declared_status TEXT,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX measures_revision ON measures(revision);

CREATE TABLE cells (
  measure_id INTEGER NOT NULL REFERENCES measures(node_id),
  kind TEXT NOT NULL,
  period TEXT NOT NULL,
  value INTEGER,
  version INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  PRIMARY KEY (measure_id, kind, period)
) WITHOUT ROWID;
-- No index on revision: changed cells are found through their measure's revision, which every
-- change of a cell raises (an index here would tax every push for the sake of a rare read).

CREATE TABLE milestones (
  id TEXT PRIMARY KEY,
  measure_id INTEGER NOT NULL REFERENCES measures(node_id),
  title TEXT NOT NULL,
  due TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  done_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX milestones_measure ON milestones(measure_id);

CREATE TABLE risks (
  id TEXT PRIMARY KEY,
  measure_id INTEGER NOT NULL REFERENCES measures(node_id),
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  open INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
CREATE INDEX risks_measure ON risks(measure_id);

CREATE TABLE dependencies (
  id TEXT PRIMARY KEY,
  measure_id INTEGER NOT NULL REFERENCES measures(node_id),
  title TEXT NOT NULL,
  due TEXT NOT NULL,
  owner_id TEXT REFERENCES users(id),
  done INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE INDEX dependencies_measure ON dependencies(measure_id);

CREATE TABLE change_requests (
  id TEXT PRIMARY KEY,
  measure_id INTEGER NOT NULL REFERENCES measures(node_id),
  kind TEXT NOT NULL,
  period TEXT NOT NULL,
  base_version INTEGER NOT NULL,
  old_value INTEGER,
  new_value INTEGER NOT NULL,
  note TEXT,
  reason_code TEXT NOT NULL,
  status TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  source TEXT,
  decided_by TEXT,
  decided_at TEXT,
  decision_comment TEXT,
  revision INTEGER NOT NULL
);
CREATE INDEX change_requests_revision ON change_requests(revision);
CREATE UNIQUE INDEX change_requests_open ON change_requests(measure_id, kind, period) WHERE status = 'pending';
CREATE INDEX change_requests_status ON change_requests(status, measure_id);

CREATE TABLE gate_requests (
  id TEXT PRIMARY KEY,
  measure_id INTEGER NOT NULL REFERENCES measures(node_id),
  from_stage TEXT NOT NULL,
  to_stage TEXT NOT NULL,
  approver TEXT NOT NULL,
  status TEXT NOT NULL,
  comment TEXT,
  requested_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT,
  decision_comment TEXT
);
-- One open gate request per measure, enforced by the record itself.
CREATE UNIQUE INDEX gate_requests_open ON gate_requests(measure_id) WHERE status = 'pending';

CREATE TABLE exceptions (
  id TEXT PRIMARY KEY,
  measure_id INTEGER NOT NULL REFERENCES measures(node_id),
  type TEXT NOT NULL,
  subject TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  -- open | acknowledged | resolved (by hand: stays so while its condition is unchanged) | cleared (condition gone)
  status TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  decision_needed TEXT NOT NULL,
  value_at_stake INTEGER NOT NULL,
  start_level INTEGER NOT NULL,
  level INTEGER NOT NULL,
  opened_at TEXT NOT NULL,
  acknowledged_at TEXT,
  acknowledged_by TEXT,
  resolved_at TEXT,
  resolved_by TEXT, -- null: resolved by itself when its condition cleared
  comment TEXT
);
CREATE INDEX exceptions_measure ON exceptions(measure_id, type, subject);
CREATE INDEX exceptions_status ON exceptions(status);
CREATE UNIQUE INDEX exceptions_active ON exceptions(measure_id, type, subject) WHERE status IN ('open', 'acknowledged');

-- Append-only, hash-chained. A batch is what one transaction changed; its events are stored in
-- segments, one per node, and the batch hash covers the header, every segment and the previous
-- batch's hash. Served as one event per change (GET /audit).
CREATE TABLE audit_batches (
  id INTEGER PRIMARY KEY,
  first_seq INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  request_id TEXT,
  source TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE audit_segments (
  batch_id INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  node_id INTEGER,
  last_seq INTEGER NOT NULL,
  events TEXT NOT NULL, -- JSON: [[seq, action, subject, before, after, source], …]
  PRIMARY KEY (batch_id, ord)
) WITHOUT ROWID;
CREATE INDEX audit_segments_node ON audit_segments(node_id, last_seq);
CREATE TRIGGER audit_batches_no_update BEFORE UPDATE ON audit_batches BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_batches_no_delete BEFORE DELETE ON audit_batches BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_segments_no_update BEFORE UPDATE ON audit_segments BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_segments_no_delete BEFORE DELETE ON audit_segments BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

CREATE TABLE idempotency (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  response BLOB NOT NULL, -- the answer, deflated
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_id, key)
);
