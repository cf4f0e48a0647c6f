-- Texts stored before every text was checked at the edge may not be well-formed UTF-8: SQLite's
-- JSON functions turn an escaped lone surrogate ("\ud83d", half an emoji) into bytes that are not
-- UTF-8, and the libSQL driver aborts the process when it reads them back. The step of this
-- migration (server/db/steps/repair-text.ts) rewrites each such text with U+FFFD where the broken
-- bytes were, as any UTF-8 decoder would show them, and records what it repaired in the audit
-- trail. The audit trail itself stores its events as JSON text with escapes, which reads safely.
SELECT 1;
