-- Aggregates kept as the record changes (issue 10): reports read these instead of cells.

-- One row per measure: its money over its window (minor units) and its statuses, written in the
-- transaction of every write that changed the measure. `status_until` is the first day on which
-- time alone may change the implementation status (a milestone coming due or falling past due);
-- a report re-derives a measure whose day has come, and the sweep keeps the row.
CREATE TABLE measure_totals (
  measure_id INTEGER PRIMARY KEY REFERENCES measures(node_id),
  baseline INTEGER NOT NULL,
  target INTEGER NOT NULL,
  forecast INTEGER NOT NULL,
  actual INTEGER NOT NULL,
  forecast_variance INTEGER NOT NULL,
  actual_variance INTEGER NOT NULL,
  expected INTEGER NOT NULL,
  implementation TEXT NOT NULL,
  potential TEXT NOT NULL,
  status_until TEXT
);

-- The measures a write changed, gathered by triggers and emptied before the write commits (so it
-- is empty outside a transaction). Every write that changes what a measure's totals, statuses or
-- exceptions depend on updates its `measures` row (its revision, which the pull reads too), so
-- the trigger on that row is what cannot be forgotten. A settings change marks its organization.
CREATE TABLE measures_changed (measure_id INTEGER PRIMARY KEY) WITHOUT ROWID;

CREATE TRIGGER measures_changed_on_insert AFTER INSERT ON measures
BEGIN
  INSERT OR IGNORE INTO measures_changed (measure_id) VALUES (NEW.node_id);
END;

CREATE TRIGGER measures_changed_on_update AFTER UPDATE ON measures
BEGIN
  INSERT OR IGNORE INTO measures_changed (measure_id) VALUES (NEW.node_id);
END;

CREATE TRIGGER measures_changed_on_settings AFTER UPDATE ON org_settings
BEGIN
  INSERT OR IGNORE INTO measures_changed (measure_id)
    SELECT m.node_id FROM measures m JOIN nodes n ON n.id = m.node_id WHERE n.org_id = NEW.org_id;
END;

-- What reports count without scanning history.
CREATE INDEX exceptions_active_level ON exceptions(level) WHERE status IN ('open', 'acknowledged');

-- Every measure already in the record is computed by this migration's step.
INSERT INTO measures_changed (measure_id) SELECT node_id FROM measures;
