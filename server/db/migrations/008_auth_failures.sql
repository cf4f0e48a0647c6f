-- Failed authentications per client (its address), for throttling (api-v1.md, "Identity and
-- access"): kept in the record, not in one instance's memory, so that every instance of the
-- service counts the same failures. A row is a client's current window: when it ends (ms since
-- the epoch) and how many failures it has counted so far. The sweep forgets ended windows.
CREATE TABLE auth_failures (
  client TEXT PRIMARY KEY,
  window_ends INTEGER NOT NULL,
  failures INTEGER NOT NULL
);
