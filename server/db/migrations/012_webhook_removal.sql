-- A webhook can be removed (a receiver retired, a secret leaked): it is kept, marked removed, with
-- its deliveries as their history; what was still pending is given up.
ALTER TABLE webhooks ADD COLUMN removed_at TEXT;
ALTER TABLE webhooks ADD COLUMN removed_by TEXT;
