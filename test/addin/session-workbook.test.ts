// The session's memory lives in the workbook, and only the planner's own edits go out under
// their name: a copy reopened elsewhere, an old copy mailed around, a co-author's edits, a
// renamed table, a binding made again or removed, conflicts resolved, a push undone — against the
// real service (in process, real libSQL file) on the in-memory workbook.
import { describe, expect, it } from 'vitest';
import type { SyncSession } from '../../addin/sync/session.js';
import { MemoryWorkbook } from '../../addin/workbook/memory.js';
import type { Binding } from '../../addin/workbook/port.js';
import { cellKey } from '../../shared/sync/cells.js';
import { forecastMeasures, measure, push, world, type World } from '../helpers.js';
import { paneOn } from './pane.js';

const MONTHS = ['2027-03', '2027-04'];

async function programme(codes: string[]) {
  const w = await world(new Date('2027-02-10T09:00:00Z'));
  await forecastMeasures(w, codes, MONTHS);
  return w;
}

function forecastBook(codes: string[], name = 'Plan.xlsx') {
  const book = new MemoryWorkbook(name);
  book.addTable(
    'Forecast',
    'Forecast',
    ['Measure', ...MONTHS.map((m) => `Forecast ${m}`)],
    codes.map((c) => [c, '', '']),
  );
  return book;
}

async function bind(session: SyncSession, scope = 'ORG') {
  const { proposal } = await session.propose();
  return session.saveBinding({
    id: crypto.randomUUID(),
    name: 'forecast',
    table: 'Forecast',
    mapping: proposal.mapping!,
    scope,
  });
}

const record = async (w: World, code: string, period: string) =>
  (
    await w.call(w.users.viewer.token, 'GET', `/cells?scope=${code}&kinds=forecast`)
  ).body.cells.find((c: { period: string }) => c.period === period);

/** A world with `codes`, the owner's workbook listing them, bound and pulled: one test's own. */
async function boundBook(codes: string[]) {
  const w = await programme(codes);
  const book = forecastBook(codes);
  const session = paneOn(w, book);
  const binding: Binding = await bind(session);
  await session.pull(binding);
  return { w, book, session, binding };
}

describe('the state travels with the workbook', () => {
  it('is a custom XML part of the workbook, not browser storage', async () => {
    const { book } = await boundBook(['M-1', 'M-2']);
    expect(book.parts().map((p) => p.kind)).toEqual(['setting', 'customXmlPart']);
  });

  it('reopened on another computer (a fresh pane, nothing in its storage), the next push is judged on the versions in the file', async () => {
    const { w, book, session, binding } = await boundBook(['M-1', 'M-2']);
    book.type('Forecast', 0, 1, 104);
    expect(await session.push(binding)).toMatchObject({ sent: 1, applied: 1 });
    const copy = new MemoryWorkbook('Plan.xlsx');
    copy.restore(JSON.parse(JSON.stringify(book.snapshot())));
    const elsewhere = paneOn(w, copy);
    const [bound] = await copy.loadBindings();
    expect(await elsewhere.pendingChanges(bound!)).toEqual({ changes: 0, errors: 0 });
    copy.type('Forecast', 0, 1, 105);
    expect(await elsewhere.push(bound!)).toMatchObject({ sent: 1, applied: 1, conflict: 0 });
    expect((await record(w, 'M-1', '2027-03')).value).toBe(105);
  });

  it('an old copy mailed around sends only its own edits, and a cell changed since is a conflict, never an overwrite', async () => {
    const { w, book } = await boundBook(['M-1', 'M-2']);
    const old = book.snapshot(); // the copy mailed out
    // Since then, colleagues moved M-1 March and M-2 April.
    for (const [code, period] of [
      ['M-1', '2027-03'],
      ['M-2', '2027-04'],
    ] as const) {
      const now = await record(w, code, period);
      await push(w, w.users.planner2.token, [
        { measure: code, kind: 'forecast', period, value: now.value + 1, baseVersion: now.version },
      ]);
    }
    const m1 = (await record(w, 'M-1', '2027-03')).value;
    const m2 = (await record(w, 'M-2', '2027-04')).value;
    const copy = new MemoryWorkbook('Plan (old).xlsx');
    copy.restore(old);
    const colleague = paneOn(w, copy);
    const [bound] = await copy.loadBindings();
    await colleague.verify(bound!); // the check on open
    copy.type('Forecast', 0, 1, m1 + 3); // M-1 2027-03, which moved since this copy
    copy.type('Forecast', 1, 2, m2 + 1); // M-2 2027-04, which moved too
    const report = await colleague.push(bound!);
    expect(report).toMatchObject({ sent: 2, applied: 0, conflict: 2 });
    expect([
      (await record(w, 'M-1', '2027-03')).value,
      (await record(w, 'M-2', '2027-04')).value,
    ]).toEqual([m1, m2]);
  });
});

describe('only your own edits are sent under your name', () => {
  it("a co-author's edit in the shared workbook is listed, and not sent", async () => {
    const { w, book, session, binding } = await boundBook(['M-1', 'M-2']);
    book.type('Forecast', 0, 1, 101); // mine
    book.remoteType('Forecast', 1, 1, 102); // a co-author's, arriving in Excel on the web
    const list = await session.pendingList(binding);
    expect(list.changes.map((c) => [c.measure, c.origin])).toEqual([
      ['M-1', 'yours'],
      ['M-2', 'co-author'],
    ]);
    const report = await session.push(binding);
    expect(report).toMatchObject({ sent: 1, applied: 1 });
    expect(report.othersEdits.map((c) => c.measure)).toEqual(['M-2']);
    expect((await record(w, 'M-2', '2027-03')).value).toBe(100);
    // When I type over it, it is mine.
    book.type('Forecast', 1, 1, 103);
    expect(await session.push(binding)).toMatchObject({ sent: 1, applied: 1 });
    expect((await record(w, 'M-2', '2027-03')).value).toBe(103);
  });

  it('a change found on open, that nobody was seen typing, waits until the planner says it is theirs', async () => {
    const { w, book } = await boundBook(['M-1', 'M-2']);
    book.type('Forecast', 0, 2, 101);
    const reopened = new MemoryWorkbook('Plan.xlsx');
    reopened.restore(book.snapshot()); // closed with the edit unpushed, opened again
    const later = paneOn(w, reopened);
    const [bound] = await reopened.loadBindings();
    const report = await later.push(bound!);
    expect(report).toMatchObject({ sent: 0 });
    expect(report.unseen.map((c) => [c.measure, c.period, c.value, c.origin])).toEqual([
      ['M-1', '2027-04', 101, 'unseen'],
    ]);
    later.adoptUnseen(
      bound!,
      report.unseen.map((c) => c.key),
    );
    expect(await later.push(bound!)).toMatchObject({ sent: 1, applied: 1 });
  });
});

describe('a binding belongs to its table', () => {
  it('a renamed table keeps its binding', async () => {
    const { book, session, binding } = await boundBook(['M-1']);
    book.renameTable('Forecast', 'FC_EU');
    book.type('FC_EU', 0, 1, 107);
    expect(await session.push(binding)).toMatchObject({ sent: 1, applied: 1 });
    const again = await session.saveBinding({ ...binding, id: 'another' }); // bound again: replaces, never doubles
    expect(again.id).toBe(binding.id);
    expect((await book.loadBindings()).map((b) => [b.id, b.table, b.tableId])).toEqual([
      [binding.id, 'FC_EU', book.table('FC_EU').id],
    ]);
  });

  it("removing it takes the add-in's flags, notes and state off; the values and the planner's own note stay", async () => {
    const { book, session, binding } = await boundBook(['M-1']);
    const t = book.tables()[0]!; // renamed or not
    const value = book.value(t, 0, 1);
    book.setUserNote(t, 0, 1, 'mine');
    book.type(t, 0, 2, 'n/a');
    await session.push(binding);
    expect(book.note(t, 0, 2)).toMatch(/^✕ Not sent/);
    await session.removeBinding(binding);
    expect([book.look(t, 0, 1), book.note(t, 0, 1), book.value(t, 0, 1)]).toEqual([
      'plain',
      'mine',
      value,
    ]);
    expect([book.look(t, 0, 2), book.note(t, 0, 2)]).toEqual(['plain', undefined]);
    expect(await book.loadBindings()).toEqual([]);
    expect(book.parts().map((p) => p.kind)).toEqual(['setting']);
  });
});

describe('conflicts resolved, changes reverted, a push undone', () => {
  it('keep mine: sent again on the version the record has now', async () => {
    const { w, book, session, binding } = await boundBook(['M-1', 'M-2']);
    await push(w, w.users.planner2.token, [
      { measure: 'M-1', kind: 'forecast', period: '2027-03', value: 110, baseVersion: 1 },
    ]);
    book.type('Forecast', 0, 1, 104);
    const report = await session.push(binding);
    const [conflict] = report.outcomes;
    expect(conflict).toMatchObject({ flag: 'conflict', typed: 104, value: 110 });
    expect(book.value('Forecast', 0, 1)).toBe(110);
    const again = await session.keepMine(binding, new Map([[conflict!.key, conflict!.typed]]));
    expect(again).toMatchObject({ sent: 1, applied: 1 });
    expect([
      (await record(w, 'M-1', '2027-03')).value,
      book.value('Forecast', 0, 1),
      book.look('Forecast', 0, 1),
    ]).toEqual([104, 104, 'applied']);
  });

  it("take theirs: the record's value stays and the flag goes", async () => {
    const { w, book, session, binding } = await boundBook(['M-1', 'M-2']);
    await push(w, w.users.planner2.token, [
      { measure: 'M-2', kind: 'forecast', period: '2027-03', value: 90, baseVersion: 1 },
    ]);
    book.type('Forecast', 1, 1, 99);
    const [conflict] = (await session.push(binding)).outcomes;
    expect(conflict!.flag).toBe('conflict');
    await session.takeTheirs(binding, new Set([conflict!.key]));
    expect([
      book.value('Forecast', 1, 1),
      book.look('Forecast', 1, 1),
      book.note('Forecast', 1, 1),
    ]).toEqual([90, 'plain', undefined]);
    expect(await session.pendingChanges(binding)).toEqual({ changes: 0, errors: 0 });
  });

  it('revert puts the record back in a changed cell; nothing is sent', async () => {
    const { book, session, binding } = await boundBook(['M-1', 'M-2']);
    book.type('Forecast', 0, 2, 55);
    book.type('Forecast', 1, 2, 'x');
    expect(
      await session.revert(
        binding,
        new Set([cellKey('M-1', 'forecast', '2027-04'), cellKey('M-2', 'forecast', '2027-04')]),
      ),
    ).toBe(2);
    expect([book.value('Forecast', 0, 2), book.value('Forecast', 1, 2)]).toEqual([100, 100]);
    expect(await session.pendingChanges(binding)).toEqual({ changes: 0, errors: 0 });
  });

  it('undo the last push: each applied change sent back on the version it created', async () => {
    const { w, book, session, binding } = await boundBook(['M-1', 'M-2']);
    book.type('Forecast', 0, 2, 101);
    book.type('Forecast', 1, 2, 102);
    const last = await session.push(binding);
    expect(last).toMatchObject({ applied: 2 });
    // Someone changes M-2 since: that one is not the push's to undo any more.
    await push(w, w.users.planner2.token, [
      { measure: 'M-2', kind: 'forecast', period: '2027-04', value: 103, baseVersion: 2 },
    ]);
    await session.refresh(binding);
    const undone = await session.undo(binding, last);
    expect(undone).toMatchObject({ sent: 1, applied: 1 });
    expect([
      (await record(w, 'M-1', '2027-04')).value,
      (await record(w, 'M-2', '2027-04')).value,
    ]).toEqual([100, 103]);
    expect(book.value('Forecast', 0, 2)).toBe(100);
  });
});

describe("a 10,000 × 24 table within Excel on the web's 5 MB per request", async () => {
  const w = await world(new Date('2027-02-10T09:00:00Z'));
  const months = Array.from(
    { length: 24 },
    (_, i) => `${2027 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
  );
  const codes = Array.from({ length: 10_000 }, (_, i) => `M-${String(i).padStart(5, '0')}`);
  await measure(w, 'M-HOLD');
  const book = new MemoryWorkbook('Big.xlsx'); // Excel on the web's limit
  book.addTable(
    'Forecast',
    'Forecast',
    ['Measure', ...months.map((m) => `Forecast ${m}`)],
    codes.map((c) => [c, ...months.map(() => 1234567.89)]),
  );
  const requests: number[] = [];
  const paint = book.paint.bind(book);
  book.paint = (table, code, cells) => (requests.push(cells.length), paint(table, code, cells));
  const session = paneOn(w, book);

  it('every cell is written back, in requests the web takes', async () => {
    const binding = await bind(session, 'M-HOLD');
    await session.pull(binding); // nothing in the record for these codes: 240,000 empty cells written
    expect(requests.reduce((a, b) => a + b, 0)).toBe(240_000);
    expect(requests.length).toBeGreaterThan(1);
    expect(book.value('Forecast', 9_999, 24)).toBe('');
    expect(book.parts().find((p) => p.kind === 'customXmlPart')!.bytes).toBeLessThan(
      5 * 1024 * 1024,
    );
  });
});
