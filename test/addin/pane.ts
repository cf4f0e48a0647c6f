// The add-in's session as the pane makes it, on an in-memory workbook, talking to the service in
// process: for the tests that drive the add-in's logic against the real record.
import { GatecellClient } from '../../addin/api/client.js';
import { SyncSession } from '../../addin/sync/session.js';
import { WorkbookStateStore } from '../../addin/sync/state.js';
import type { MemoryWorkbook } from '../../addin/workbook/memory.js';
import type { World } from '../helpers.js';

/** The session on `book`, signed in with `token` (the owner's unless said). */
export function paneOn(w: World, book: MemoryWorkbook, token = w.users.owner.token) {
  const client = new GatecellClient('https://gatecell.test', token, (url, init) =>
    Promise.resolve(w.app.request(url, init)),
  );
  return new SyncSession(book, client, new WorkbookStateStore(book), {
    digits: 2,
    tolerancePct: 50,
    newKey: () => crypto.randomUUID(),
  });
}
