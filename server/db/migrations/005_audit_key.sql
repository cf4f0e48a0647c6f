-- The audit chain is keyed with a secret held outside the database (HMAC-SHA256 under
-- GATECELL_AUDIT_KEY or audit.key): without it, no rewritten or appended batch carries a valid
-- hash. Batches before the keying point keep their plain SHA-256 hashes; the point is recorded
-- here, with a MAC of itself under the key (so it cannot be moved), and audited as the first keyed
-- batch (the step of this migration in server/db/migrate.ts).
CREATE TABLE audit_keying (
  from_batch INTEGER PRIMARY KEY, -- the first batch hashed with the key
  at TEXT NOT NULL,
  key_id TEXT NOT NULL, -- names the key without revealing it
  signature TEXT NOT NULL -- HMAC of 'gatecell:keying:<from_batch>:<at>:<key_id>'
);
CREATE TRIGGER audit_keying_no_update BEFORE UPDATE ON audit_keying BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_keying_no_delete BEFORE DELETE ON audit_keying BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
