// The add-in's sync session against the real service (in process, real libSQL file), with the
// workbook held by the in-memory port.
import { describe, expect, it } from 'vitest';
import { GatecellClient } from '../../addin/api/client.js';
import { SyncSession } from '../../addin/sync/session.js';
import { WorkbookStateStore } from '../../addin/sync/state.js';
import { MemoryWorkbook } from '../../addin/workbook/memory.js';
import { type Binding, LOOK_FILL } from '../../addin/workbook/port.js';
import { cellKey } from '../../shared/sync/cells.js';
import { measure, push, world, type World } from '../helpers.js';

/**
 * A pane of its own for one test: a world with M-1, M-2 and M-3 (target and forecast of 100 in
 * 2027-03 and 2027-04), the owner's workbook with a Forecast table listing M-2 and M-1, its
 * binding saved, and (`pulled`) the record pulled into it with M-3's row added.
 */
async function ownersPane({ pulled = true } = {}) {
  const w = await world(new Date('2027-02-10T09:00:00Z'));
  const { users } = w;
  for (const code of ['M-1', 'M-2', 'M-3']) {
    await measure(w, code);
    await push(
      w,
      users.owner.token,
      ['2027-03', '2027-04'].flatMap((period) => [
        { measure: code, kind: 'target', period, value: 100 },
        { measure: code, kind: 'forecast', period, value: 100 },
      ]),
    );
  }
  const clientFor = (token: string) =>
    new GatecellClient('https://gatecell.test', token, (url, init) =>
      Promise.resolve(w.app.request(url, init)),
    );
  const book = new MemoryWorkbook('FY27 plan.xlsx');
  book.addTable(
    'Forecast',
    'Forecast',
    ['Measure', 'Title', 'Target 2027-03', 'Forecast 2027-03', 'Forecast 2027-04'],
    [
      ['M-2', 'Energy', '', '', ''],
      ['M-1', 'Freight', '', '', ''],
    ],
  );
  let keys = 0;
  const session = new SyncSession(
    book,
    clientFor(users.owner.token),
    new WorkbookStateStore(book),
    { digits: 2, tolerancePct: 10, newKey: () => `pane-${++keys}` },
  );
  const { proposal } = await session.propose();
  const binding = await session.saveBinding({
    id: 'b1',
    name: 'forecast-eu',
    table: 'Forecast',
    mapping: proposal.mapping!,
    scope: 'ORG',
  });
  if (pulled) await session.pull(binding, { addMissingRows: true });
  const row = (code: string) =>
    Array.from({ length: book.table('Forecast').rowCount }, (_, i) =>
      book.value('Forecast', i, 0),
    ).indexOf(code);
  return { w, users, clientFor, book, session, binding, proposal, row };
}
const col = { target03: 2, fc03: 3, fc04: 4 };

/** The owner cuts M-2's April forecast to 50 (material) with a note: a request for the controller. */
async function cutM2(
  session: SyncSession,
  book: MemoryWorkbook,
  binding: Binding,
  row: (code: string) => number,
) {
  book.type('Forecast', row('M-2'), col.fc04, 50);
  await session.push(
    binding,
    new Map([[cellKey('M-2', 'forecast', '2027-04'), 'key account lost']]),
  );
}

describe('sync session against the service', () => {
  it('proposes the mapping from the headers and saves the binding in the workbook', async () => {
    const { book, binding, proposal } = await ownersPane({ pulled: false });
    expect(proposal.problems).toEqual([]);
    expect(await book.loadBindings()).toEqual([binding]);
    // Each bound column is held by its id and header, not by where it stands.
    const ids = (await book.readTable('Forecast')).columnIds;
    expect(binding.mapping).toMatchObject({
      codeColumnId: ids[0],
      codeHeader: 'Measure',
      columns: expect.arrayContaining([
        expect.objectContaining({ columnId: ids[3], header: 'Forecast 2027-03' }),
      ]),
    });
  });

  it('pulls the record into the bound cells, and adds missing rows when asked', async () => {
    const { book, session, binding } = await ownersPane({ pulled: false });
    const r = await session.pull(binding, { addMissingRows: true });
    expect(r.added).toBe(1);
    expect((await book.readTable('Forecast')).rows).toEqual([
      ['M-2', 'Energy', 100, 100, 100],
      ['M-1', 'Freight', 100, 100, 100],
      ['M-3', '', 100, 100, 100],
    ]);
  });

  it("counts the planner's changes, never the add-in's own writes", async () => {
    const { book, session, binding } = await ownersPane();
    let edits = 0;
    const t = await book.readTable('Forecast');
    const stop = await book.onEdited(
      [{ table: t.id, codeColumnId: t.columnIds[0]! }],
      () => (edits += 1),
    );
    expect(await session.pendingChanges(binding)).toEqual({ changes: 0, errors: 0 });
    await session.pull(binding); // the add-in writes every bound cell
    expect(edits).toBe(0);
    expect(await session.pendingChanges(binding)).toEqual({ changes: 0, errors: 0 });
    book.type('Forecast', 0, 3, 101);
    expect(edits).toBe(1);
    expect(await session.pendingChanges(binding)).toEqual({ changes: 1, errors: 0 });
    await stop();
  });

  it('pushes only what changed; writes back and flags every outcome; text never leaves the sheet', async () => {
    const { users, clientFor, book, session, binding, row } = await ownersPane();
    book.sort('Forecast', 0); // sorting must not send a value to the wrong measure
    book.type('Forecast', row('M-1'), col.fc03, 104);
    book.type('Forecast', row('M-2'), col.fc04, 50);
    book.type('Forecast', row('M-3'), col.fc04, '#N/A');
    book.type('Forecast', row('M-3'), col.fc03, 60); // material, no note
    const report = await session.push(
      binding,
      new Map([[cellKey('M-2', 'forecast', '2027-04'), 'key account lost']]),
    );
    expect(report).toMatchObject({ sent: 3, applied: 1, pending: 1, rejected: 1, conflict: 0 });
    expect(report.localErrors.map((e) => [e.measure, e.period])).toEqual([['M-3', '2027-04']]);
    expect(report.needNote).toEqual([cellKey('M-3', 'forecast', '2027-03')]);

    expect(book.value('Forecast', row('M-1'), col.fc03)).toBe(104);
    expect(book.look('Forecast', row('M-1'), col.fc03)).toBe('applied');
    // Pending: the approved value is back in the cell, the request is on its note.
    expect(book.value('Forecast', row('M-2'), col.fc04)).toBe(100);
    expect(book.look('Forecast', row('M-2'), col.fc04)).toBe('pending');
    expect(book.note('Forecast', row('M-2'), col.fc04)).toMatch(
      /^◔ Pending approval: 50 requested/,
    );
    expect(book.look('Forecast', row('M-3'), col.fc03)).toBe('rejected');
    expect(book.value('Forecast', row('M-3'), col.fc03)).toBe(60); // kept, to be sent again with a note
    expect(book.note('Forecast', row('M-3'), col.fc03)).toMatch(/^✕ Needs a note/);
    expect(book.look('Forecast', row('M-3'), col.fc04)).toBe('rejected');
    expect(book.note('Forecast', row('M-3'), col.fc04)).toMatch(
      /^✕ Not sent: #N\/A is an Excel error/,
    );

    const cells = (await clientFor(users.viewer.token).cells('M-1', { kinds: ['forecast'] })).cells;
    expect(cells.find((c) => c.period === '2027-03')).toMatchObject({ value: 104, version: 2 });
    const audit = (await clientFor(users.viewer.token).audit('M-1')).events.find(
      (e) => e.action === 'cell.changed' && e.after && (e.after as any).value === 104,
    );
    expect(audit).toBeDefined();
  });

  it('the same change sent again with its note becomes a request; its rejection reaches the cell', async () => {
    const { users, clientFor, book, session, binding, row } = await ownersPane();
    book.type('Forecast', row('M-3'), col.fc03, 60); // material
    expect(await session.push(binding)).toMatchObject({ sent: 1, rejected: 1 }); // no note
    const report = await session.push(
      binding,
      new Map([[cellKey('M-3', 'forecast', '2027-03'), 'plant shutdown']]),
    );
    expect(report).toMatchObject({ sent: 1, pending: 1 });
    expect(book.value('Forecast', row('M-3'), col.fc03)).toBe(100);
    const pending = (await clientFor(users.controller.token).changeRequests('M-3')).changeRequests;
    expect(pending).toEqual([expect.objectContaining({ value: 60, note: 'plant shutdown' })]);
    await clientFor(users.controller.token).decideChange(
      pending[0]!.id,
      false,
      'shutdown is not confirmed',
    );
    expect((await session.refresh(binding)).changed).toBe(1);
    expect(book.look('Forecast', row('M-3'), col.fc03)).toBe('rejected');
    expect(book.value('Forecast', row('M-3'), col.fc03)).toBe(100);
  });

  it('after the controller approves, the cell takes the value on the next refresh, flagged', async () => {
    const { users, clientFor, book, session, binding, row } = await ownersPane();
    book.sort('Forecast', 0);
    await cutM2(session, book, binding, row);
    const controller = clientFor(users.controller.token);
    const [request] = (await controller.changeRequests('M-2')).changeRequests;
    expect(request).toMatchObject({
      measure: 'M-2',
      value: 50,
      note: 'key account lost',
      source: { workbook: 'FY27 plan.xlsx', sheet: 'Forecast', cell: 'E3' },
    }); // sorted: M-2 is on sheet row 3
    await controller.decideChange(request!.id, true, 'agreed in S&OP');
    const r = await session.refresh(binding);
    expect(r.changed).toBe(1);
    expect(book.value('Forecast', row('M-2'), col.fc04)).toBe(50);
    expect(book.look('Forecast', row('M-2'), col.fc04)).toBe('applied');
    expect(book.note('Forecast', row('M-2'), col.fc04)).toBe(
      '✓ Approved by controller: "agreed in S&OP".',
    );
  });

  it("someone else's change to a cell the planner is editing is flagged, and the planner's value stays", async () => {
    const { w, users, book, session, binding, row } = await ownersPane();
    await push(w, users.planner2.token, [
      { measure: 'M-1', kind: 'forecast', period: '2027-04', value: 99, baseVersion: 1 },
    ]);
    book.type('Forecast', row('M-1'), col.fc04, 101);
    await session.refresh(binding);
    expect(book.value('Forecast', row('M-1'), col.fc04)).toBe(101);
    expect(book.look('Forecast', row('M-1'), col.fc04)).toBe('conflict');
    const report = await session.push(binding);
    expect(report.conflict).toBe(1);
    expect(book.value('Forecast', row('M-1'), col.fc04)).toBe(99);
  });

  it('on open, a value that is not the approved one is flagged (no phantom numbers)', async () => {
    const { book, session, binding, row } = await ownersPane();
    book.type('Forecast', row('M-1'), col.target03, 1000); // pasted over offline
    book.type('Forecast', row('M-3'), col.fc04, '#N/A'); // never sent
    const r = await session.verify(binding);
    expect(r.mismatches).toBe(2);
    expect(book.note('Forecast', row('M-3'), col.fc04)).toMatch(
      /Not the approved value: the record holds 100/,
    );
    expect(book.look('Forecast', row('M-1'), col.target03)).toBe('stale');
    expect(book.note('Forecast', row('M-1'), col.target03)).toMatch(
      /Not the approved value: the record holds 100/,
    );
  });

  it('cells locked for everyone look read-only, and change as the measure passes its gates; those locked only by your role are counted, not painted into the shared file', async () => {
    const { users, clientFor, book, session, binding, row } = await ownersPane();
    const viewerBook = new MemoryWorkbook('Viewer.xlsx');
    viewerBook.addTable('Forecast', 'Forecast', ['Measure', 'Forecast 2027-03'], [['M-1', '']]);
    const viewer = new SyncSession(
      viewerBook,
      clientFor(users.viewer.token),
      new WorkbookStateStore(viewerBook),
      { digits: 2, tolerancePct: 10, newKey: () => 'v-1' },
    );
    const vb: Binding = {
      id: 'v1',
      name: 'view',
      table: 'Forecast',
      mapping: { codeColumn: 0, columns: [{ column: 1, kind: 'forecast', period: '2027-03' }] },
      scope: 'ORG',
    };
    expect(await viewer.pull(vb)).toMatchObject({ readOnlyForYou: 1 });
    expect(viewerBook.look('Forecast', 0, 1)).toBe('plain');

    expect(book.look('Forecast', row('M-3'), col.fc04)).not.toBe('readonly');
    const gate = await clientFor(users.owner.token).requestGate(
      'M-3',
      'cancelled',
      'supplier exit',
    );
    await clientFor(users.sponsor.token).decideGate(gate.id, true, 'agreed');
    await session.refresh(binding);
    for (const c of Object.values(col))
      expect(book.look('Forecast', row('M-3'), c)).toBe('readonly');
  });

  it('a fresh pull clears flags and notes whose cause is gone', async () => {
    const { users, clientFor, book, session, binding, row } = await ownersPane();
    // Flags of every kind first: an approved forecast below target, a stale value, a local error.
    await cutM2(session, book, binding, row);
    const controller = clientFor(users.controller.token);
    const [request] = (await controller.changeRequests('M-2')).changeRequests;
    await controller.decideChange(request!.id, true, 'agreed in S&OP');
    await session.refresh(binding);
    book.type('Forecast', row('M-1'), col.target03, 1000);
    book.type('Forecast', row('M-1'), col.fc04, '#N/A');
    await session.verify(binding);
    expect(book.look('Forecast', row('M-1'), col.target03)).toBe('stale');

    await session.pull(binding);
    // M-2 2027-04: forecast 50 against target 100 passes the 10 % tolerance; all else is plain again.
    expect(book.look('Forecast', row('M-2'), col.fc04)).toBe('variance');
    expect(book.note('Forecast', row('M-2'), col.fc04)).toBe(
      'Δ Forecast beyond tolerance of the target.',
    );
    for (const code of ['M-1', 'M-2'])
      for (const c of Object.values(col)) {
        if (code === 'M-2' && c === col.fc04) continue;
        expect(book.look('Forecast', row(code), c), `${code} ${c}`).toBe('plain');
        expect(book.note('Forecast', row(code), c), `${code} ${c}`).toBeUndefined();
      }
  });
});

/** The owner's pane on M-R through a line that fails as each test says (`failures`). */
async function retryPane() {
  const w = await world(new Date('2027-02-10T09:00:00Z'));
  await measure(w, 'M-R');
  await push(w, w.users.owner.token, [
    { measure: 'M-R', kind: 'target', period: '2027-03', value: 100 },
    { measure: 'M-R', kind: 'forecast', period: '2027-03', value: 100 },
  ]);
  const book = new MemoryWorkbook('Retry.xlsx');
  book.addTable('Forecast', 'Forecast', ['Measure', 'Forecast 2027-03'], [['M-R', '']]);
  /** What reached the service: the idempotency key of each push. */
  const pushed: string[] = [];
  /** How the next pushes fail: 'drop' (applied, answer lost), 'busy' (503 before anything), 'gateway' (a proxy's 502 page), or none. */
  const failures: ('drop' | 'busy' | 'gateway')[] = [];
  const client = new GatecellClient(
    'https://gatecell.test',
    w.users.owner.token,
    async (url, init) => {
      if (!url.endsWith('/sync/push')) return w.app.request(url, init);
      pushed.push(JSON.parse(String(init!.body)).idempotencyKey);
      const failure = failures.shift();
      if (failure === 'busy')
        return new Response(JSON.stringify({ error: { code: 'BUSY', message: 'busy' } }), {
          status: 503,
        });
      if (failure === 'gateway')
        return new Response('<html><body>502 Bad Gateway</body></html>', {
          status: 502,
          headers: { 'content-type': 'text/html' },
        });
      const res = await w.app.request(url, init);
      if (failure === 'drop') throw new TypeError('fetch failed: the connection was reset');
      return res;
    },
  );
  let keys = 0;
  const delays: number[] = [];
  const session = new SyncSession(book, client, new WorkbookStateStore(book), {
    digits: 2,
    tolerancePct: 10,
    newKey: () => `retry-${++keys}`,
    retryDelayMs: (attempt) => (delays.push(attempt), 0),
  });
  const binding = await session.saveBinding({
    id: 'r',
    name: 'retry',
    table: 'Forecast',
    mapping: (await session.propose()).proposal.mapping!,
    scope: 'ORG',
  });
  await session.pull(binding);
  return { w, book, pushed, failures, session, binding, delays };
}

describe('a push whose answer is lost on the way back', () => {
  it('is sent again with the same key: applied once, flagged applied, not a conflict with itself', async () => {
    const { w, book, pushed, failures, session, binding, delays } = await retryPane();
    book.type('Forecast', 0, 1, 104);
    failures.push('busy', 'gateway', 'drop');
    const report = await session.push(binding);
    expect(pushed).toEqual(['retry-1', 'retry-1', 'retry-1', 'retry-1']);
    expect(delays).toEqual([1, 2, 3]);
    expect(report).toMatchObject({ sent: 1, applied: 1, conflict: 0 });
    expect(book.look('Forecast', 0, 1)).toBe('applied');
    const cell = (
      await w.call(
        w.users.owner.token,
        'GET',
        '/cells?scope=M-R&kinds=forecast&from=2027-03&to=2027-03',
      )
    ).body.cells[0];
    expect(cell).toMatchObject({ value: 104, version: 2 });
  });

  it("gives up after four attempts with the service's error, the change still waiting to be sent", async () => {
    const { book, pushed, failures, session, binding } = await retryPane();
    book.type('Forecast', 0, 1, 105);
    failures.push('busy', 'busy', 'busy', 'busy');
    await expect(session.push(binding)).rejects.toMatchObject({ status: 503, code: 'BUSY' });
    expect(pushed).toEqual(['retry-1', 'retry-1', 'retry-1', 'retry-1']);
    expect(await session.pendingChanges(binding)).toEqual({ changes: 1, errors: 0 });
  });
});

/**
 * One measure with target and forecast of 100 for 2027-03 and 2027-04, a one-row table bound to
 * it in an in-memory workbook, and the owner's session on it (through `fetcher` when given).
 */
async function boundMeasure(
  code: string,
  columns: string[],
  fetcher?: (w: World) => (url: string, init?: RequestInit) => Promise<Response>,
) {
  const w = await world(new Date('2027-02-10T09:00:00Z'));
  await measure(w, code);
  await push(
    w,
    w.users.owner.token,
    ['2027-03', '2027-04'].flatMap((period) => [
      { measure: code, kind: 'target', period, value: 100 },
      { measure: code, kind: 'forecast', period, value: 100 },
    ]),
  );
  const book = new MemoryWorkbook(`${code}.xlsx`);
  book.addTable(
    'Forecast',
    'Forecast',
    ['Measure', ...columns],
    [[code, ...columns.map(() => '')]],
  );
  const client = new GatecellClient(
    'https://gatecell.test',
    w.users.owner.token,
    fetcher?.(w) ?? ((url, init) => Promise.resolve(w.app.request(url, init))),
  );
  const session = new SyncSession(book, client, new WorkbookStateStore(book), {
    digits: 2,
    tolerancePct: 10,
    newKey: () => `${code}-${Math.random()}`,
  });
  const binding = await session.saveBinding({
    id: code,
    name: code,
    table: 'Forecast',
    mapping: (await session.propose()).proposal.mapping!,
    scope: 'ORG',
  });
  return { w, book, client, session, binding };
}

describe('a write-back that fails after the service applied', async () => {
  const { book, session, binding } = await boundMeasure('M-W', ['Forecast 2027-03']);
  await session.pull(binding);

  it("keeps the applied versions: the planner's next push is not a conflict with their own change", async () => {
    book.type('Forecast', 0, 1, 104);
    const paint = book.paint.bind(book);
    // The planner is typing in a cell (or the sheet is protected): Excel refuses the write-back.
    book.paint = async () => {
      throw new Error('The cell is being edited.');
    };
    await expect(session.push(binding)).rejects.toThrow(/being edited/);
    book.paint = paint;
    expect(await session.pendingChanges(binding)).toEqual({ changes: 0, errors: 0 });
    book.type('Forecast', 0, 1, 106);
    const again = await session.push(binding);
    expect(again).toMatchObject({ sent: 1, applied: 1, conflict: 0 });
  });
});

describe('a refresh whose write into the sheet fails', async () => {
  const { w, book, session, binding } = await boundMeasure('M-U', ['Forecast 2027-03']);
  await session.pull(binding);

  it("saves the record's new version first, and never sends the old value shown on it as an edit", async () => {
    await push(w, w.users.planner2.token, [
      { measure: 'M-U', kind: 'forecast', period: '2027-03', value: 102, baseVersion: 1 },
    ]);
    const paint = book.paint.bind(book);
    book.paint = async () => {
      throw new Error('The sheet is protected.');
    };
    await expect(session.refresh(binding)).rejects.toThrow(/protected/);
    book.paint = paint;
    expect(book.value('Forecast', 0, 1)).toBe(100); // the old value still shows
    // It is neither a change nor sent: it would overwrite the colleague's 102 with the version of 102.
    const report = await session.push(binding);
    expect(report.sent).toBe(0);
    expect(report.localErrors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^Excel refused the write of the record/),
    ]);
    const cell = (
      await w.call(
        w.users.viewer.token,
        'GET',
        '/cells?scope=M-U&kinds=forecast&from=2027-03&to=2027-03',
      )
    ).body.cells[0];
    expect(cell.value).toBe(102);
    await session.pull(binding);
    expect([book.value('Forecast', 0, 1), await session.pendingChanges(binding)]).toEqual([
      102,
      { changes: 0, errors: 0 },
    ]);
  });
});

describe('one queue for the pane: the 30 s refresh arriving during a push', async () => {
  const calls: string[] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  const { book, session, binding } = await boundMeasure(
    'M-Q',
    ['Forecast 2027-03'],
    (w) => async (url, init) => {
      const what = url.includes('/sync/push')
        ? 'push'
        : url.includes('/sync/changes')
          ? 'changes'
          : 'other';
      calls.push(`${what} sent`);
      const res = await w.app.request(url, init);
      if (what === 'push') await held; // the answer is on the wire
      calls.push(`${what} answered`);
      return res;
    },
  );
  await session.pull(binding);

  it("waits for the push: the planner's own change is never flagged as someone else's", async () => {
    book.type('Forecast', 0, 1, 104);
    calls.length = 0;
    const pushing = session.push(binding);
    const refreshing = session.refresh(binding);
    await new Promise((r) => setTimeout(r, 50));
    release();
    await Promise.all([pushing, refreshing]);
    expect(calls).toEqual(['push sent', 'push answered', 'changes sent', 'changes answered']);
    expect([book.value('Forecast', 0, 1), book.look('Forecast', 0, 1)]).toEqual([104, 'applied']);
  });
});

describe('every decision reaches the cell', () => {
  /** M-D pulled into its own one-row table, and its controller's decision on its waiting request. */
  const pulled = async () => {
    const pane = await boundMeasure('M-D', ['Forecast 2027-03', 'Forecast 2027-04']);
    await pane.session.pull(pane.binding);
    return pane;
  };
  const decide = async (w: World, verb: 'approve' | 'reject', comment: string) => {
    const [r] = (await w.call(w.users.controller.token, 'GET', '/change-requests?scope=M-D')).body
      .changeRequests;
    expect(
      (
        await w.call(w.users.controller.token, 'POST', `/change-requests/${r.id}/${verb}`, {
          comment,
        })
      ).status,
    ).toBe(200);
  };

  it("a rejection, with the controller's comment, and the approved value back", async () => {
    const { w, book, session, binding } = await pulled();
    book.type('Forecast', 0, 1, 50);
    await session.push(binding);
    await session.push(binding, new Map([[cellKey('M-D', 'forecast', '2027-03'), 'volume loss']]));
    expect(book.look('Forecast', 0, 1)).toBe('pending');
    await decide(w, 'reject', 'Not supported by the order book');
    await session.refresh(binding);
    expect([book.value('Forecast', 0, 1), book.look('Forecast', 0, 1)]).toEqual([100, 'rejected']);
    expect(book.note('Forecast', 0, 1)).toBe(
      '✕ Rejected by controller: "Not supported by the order book". The approved value 100 stays the record.',
    );
  });

  it('a pending cell stays flagged when someone else changes the same measure, until its own request is decided', async () => {
    const { w, book, session, binding } = await pulled();
    book.type('Forecast', 0, 1, 60);
    await session.push(binding);
    await session.push(binding, new Map([[cellKey('M-D', 'forecast', '2027-03'), 'volume loss']]));
    expect(book.look('Forecast', 0, 1)).toBe('pending');
    await push(w, w.users.planner2.token, [
      { measure: 'M-D', kind: 'forecast', period: '2027-04', value: 101, baseVersion: 1 },
    ]);
    await session.refresh(binding);
    expect(book.look('Forecast', 0, 1)).toBe('pending');
    expect([book.value('Forecast', 0, 2), book.look('Forecast', 0, 2)]).toEqual([101, 'stale']);
    await decide(w, 'approve', 'Agreed in S&OP');
    await session.refresh(binding);
    expect([
      book.value('Forecast', 0, 1),
      book.look('Forecast', 0, 1),
      book.note('Forecast', 0, 1),
    ]).toEqual([60, 'applied', '✓ Approved by controller: "Agreed in S&OP".']);
  });
});

describe("the planner's work survives pull and push", async () => {
  const { book, client, session, binding } = await boundMeasure('M-F', [
    'Forecast 2027-03',
    'Forecast 2027-04',
  ]);

  it('a formula in a bound cell is shown as computed, its value pushed, the formula kept through pull and write-back', async () => {
    book.setFormula('Forecast', 0, 2, '=B2*1.02', 102);
    book.setUserNote('Forecast', 0, 2, 'linked to the volume sheet');
    book.setUserFill('Forecast', 0, 2, '#FFFF00');
    await session.pull(binding);
    expect([book.formula('Forecast', 0, 2), book.value('Forecast', 0, 2)]).toEqual([
      '=B2*1.02',
      102,
    ]);
    expect(book.value('Forecast', 0, 1)).toBe(100);
    const r = await session.push(binding);
    expect(r).toMatchObject({ sent: 1, applied: 1 });
    expect(
      (await client.cells('M-F', { kinds: ['forecast'] })).cells.find(
        (c) => c.period === '2027-04',
      )!.value,
    ).toBe(102);
    expect([book.formula('Forecast', 0, 2), book.look('Forecast', 0, 2)]).toEqual([
      '=B2*1.02',
      'applied',
    ]);
    expect([book.note('Forecast', 0, 2), book.fill('Forecast', 0, 2)]).toEqual([
      'linked to the volume sheet',
      LOOK_FILL.applied,
    ]);
    await session.pull(binding);
    expect([
      book.formula('Forecast', 0, 2),
      book.fill('Forecast', 0, 2),
      book.note('Forecast', 0, 2),
    ]).toEqual(['=B2*1.02', '#FFFF00', 'linked to the volume sheet']);
  });
});
