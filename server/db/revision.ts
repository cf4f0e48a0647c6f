// The service's revision: one number raised once by every write that changes the record, which
// the pull and /sync/changes follow ("what changed after revision N").
import { type Exec, one } from './db.js';

/** The revision now, read through the client or inside a transaction. */
export const currentRevision = async (x: Exec) =>
  (await one<{ value: number }>(x, "SELECT value FROM meta WHERE key = 'revision'"))!.value;

/** Raises the revision inside a write's transaction; the new value. */
export const raiseRevision = async (tx: Exec) =>
  (await one<{ value: number }>(
    tx,
    "UPDATE meta SET value = value + 1 WHERE key = 'revision' RETURNING value",
  ))!.value;
