-- Identity and access (issue 11): users can be deactivated, a token expires counted from when it
-- was issued (its last rotation, else the user's creation), and a grant remembers when and by
-- whom it was made. Grants made before this migration say neither (null): the audit trail's
-- role.granted events are their record.
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN token_rotated_at TEXT;
ALTER TABLE grants ADD COLUMN granted_at TEXT;
ALTER TABLE grants ADD COLUMN granted_by TEXT;
