-- Integrity of the record (api-v1.md, "Additions (2026-12)").

-- A window change of a measure from Detailed on that drops or adds committed value waits for the
-- controller, as a target change does. Committed value: the target summed over the window.
CREATE TABLE window_requests (
  id TEXT PRIMARY KEY,
  measure_id INTEGER NOT NULL REFERENCES measures(node_id),
  old_start TEXT NOT NULL,
  old_end TEXT NOT NULL,
  new_start TEXT NOT NULL,
  new_end TEXT NOT NULL,
  old_value INTEGER NOT NULL, -- committed value inside the old window, minor units
  new_value INTEGER NOT NULL, -- inside the new one
  note TEXT,
  status TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT,
  decision_comment TEXT,
  revision INTEGER NOT NULL
);
CREATE UNIQUE INDEX window_requests_open ON window_requests(measure_id) WHERE status = 'pending';
CREATE INDEX window_requests_status ON window_requests(status, measure_id);

-- A gate request pins the figures its gate validates (JSON, minor units); approving it after they
-- changed answers 409 STALE_REQUEST. Requests opened before this migration pin nothing.
ALTER TABLE gate_requests ADD COLUMN pinned TEXT;

-- Materiality adds up over a month: the value each cell is measured from this month (the value it
-- held when the month began, the first it took that month, or the one a controller last
-- approved since), and the month that reference belongs to (months since year 0, as the push
-- engine's cell keys count them).
ALTER TABLE cells ADD COLUMN ref_month INTEGER;
ALTER TABLE cells ADD COLUMN ref_value INTEGER;

-- Codes are unique ignoring letter case (checked under the write lock; this index serves it).
CREATE INDEX nodes_code_nocase ON nodes(code COLLATE NOCASE);
-- E-mails are compared in lower case: stored so from now on, and existing ones lowered where that
-- makes no two alike (those are left for an admin to merge, and still compared in lower case).
UPDATE users SET email = lower(email)
  WHERE email <> lower(email) AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id <> users.id AND lower(u.email) = lower(users.email));
CREATE INDEX users_email_lower ON users(lower(email));

-- People across organizations: an organization admin invites by e-mail and learns nothing of
-- whether the person already has an account elsewhere; the person accepts and becomes a viewer of
-- the node they were invited to (further roles are then granted as usual).
CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  node_id INTEGER NOT NULL REFERENCES nodes(id),
  email TEXT NOT NULL, -- lower case
  name TEXT NOT NULL,
  status TEXT NOT NULL, -- pending | accepted
  invited_by TEXT NOT NULL,
  invited_at TEXT NOT NULL,
  accepted_by TEXT,
  accepted_at TEXT
);
CREATE UNIQUE INDEX invitations_pending ON invitations(node_id, email) WHERE status = 'pending';
CREATE INDEX invitations_email ON invitations(email, status);
