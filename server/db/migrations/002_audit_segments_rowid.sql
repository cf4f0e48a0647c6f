-- Audit segments hold a node's events of one batch, often a kilobyte or more. WITHOUT ROWID
-- tables are meant for rows under about 1/20 of a page; rows this large spill into overflow pages
-- there and made writing a 100,000-cell push's audit take twice as long. Same columns, same key,
-- same guards, as an ordinary table; every stored event is copied as is (the hashes still hold).
CREATE TABLE audit_segments_new (
  batch_id INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  node_id INTEGER,
  last_seq INTEGER NOT NULL,
  events TEXT NOT NULL, -- JSON: [[seq, action, subject, before, after, source], …]
  PRIMARY KEY (batch_id, ord)
);
INSERT INTO audit_segments_new (batch_id, ord, node_id, last_seq, events)
  SELECT batch_id, ord, node_id, last_seq, events FROM audit_segments ORDER BY batch_id, ord;
-- Dropping a table fires no trigger; its index and triggers go with it.
DROP TABLE audit_segments;
ALTER TABLE audit_segments_new RENAME TO audit_segments;
CREATE INDEX audit_segments_node ON audit_segments(node_id, last_seq);
CREATE TRIGGER audit_segments_no_update BEFORE UPDATE ON audit_segments BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_segments_no_delete BEFORE DELETE ON audit_segments BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
