-- Decision control (issue 12). Exceptions raised by people: who raised one (null: the rules), its
-- title and due date; and what was decided on any exception (POST /exceptions/{id}/decide), kept
-- with who and when (resolved_by, resolved_at) for the decision log. Governed dependencies: a risk
-- level (how high a late one starts) and whether its owner flags it at risk; done stays `done`.
ALTER TABLE exceptions ADD COLUMN raised_by TEXT;
ALTER TABLE exceptions ADD COLUMN title TEXT;
ALTER TABLE exceptions ADD COLUMN due_date TEXT;
ALTER TABLE exceptions ADD COLUMN decision TEXT;
CREATE INDEX exceptions_decided ON exceptions(resolved_at) WHERE decision IS NOT NULL;
CREATE INDEX change_requests_decided ON change_requests(decided_at) WHERE decided_at IS NOT NULL;
CREATE INDEX gate_requests_decided ON gate_requests(decided_at) WHERE decided_at IS NOT NULL;
ALTER TABLE dependencies ADD COLUMN risk_level TEXT NOT NULL DEFAULT 'low';
ALTER TABLE dependencies ADD COLUMN at_risk INTEGER NOT NULL DEFAULT 0;
