-- The reports' money by month (GET /reports/rollup `byMonth`), kept per measure beside its totals
-- as the record changes: a packed JSON array of numbers (MonthsCodec in
-- server/features/reporting/store.ts). Every measure already in the record is judged again in
-- this migration's transaction, which fills it.
ALTER TABLE measure_totals ADD COLUMN months TEXT;
INSERT INTO measures_changed (measure_id) SELECT node_id FROM measures WHERE true ON CONFLICT DO NOTHING;
