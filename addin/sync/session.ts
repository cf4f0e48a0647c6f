// What the pane's buttons do: pull, push, refresh and the on-open check, for one binding. Plain
// TypeScript over the WorkbookPort and the API client; the rules stay in shared/sync.
import { type RecordCell, type Snapshot, cellKey } from '../../shared/sync/cells.js';
import { diffTable, type LocalError } from '../../shared/sync/diff.js';
import { identify, type Mapping, proposeMapping, type Proposal, resolveMapping } from '../../shared/sync/mapping.js';
import { applyResults, planPush, varianceFlags } from '../../shared/sync/push.js';
import type { PushBody } from '../../shared/api/schemas.js';
import { ApiCallError, type GatecellClient, type WireCell } from '../api/client.js';
import { a1, type Binding, type CellPaint, type TableData, type WorkbookPort } from '../workbook/port.js';

/** What the add-in remembers of a binding between sessions: kept in the add-in's storage, not the file. */
export interface BindingState {
  snapshot: Snapshot;
  revision: number;
  /** Cells the add-in put a note on, so it can take them off when the cause is gone. */
  noted: Set<string>;
  /** Cells flagged pending approval: they stay flagged until their request is decided. */
  pending?: Set<string>;
}

export interface StateStore {
  load(bindingId: string): Promise<BindingState | null>;
  save(bindingId: string, state: BindingState): Promise<void>;
}

/** A store in memory that copies what it keeps, as real storage does: only what was saved is there. */
export class MemoryStateStore implements StateStore {
  readonly states = new Map<string, BindingState>();
  async load(id: string) {
    const state = this.states.get(id);
    return state ? structuredClone(state) : null;
  }
  async save(id: string, state: BindingState) {
    this.states.set(id, structuredClone(state));
  }
}

export interface PushReport {
  sent: number;
  applied: number;
  pending: number;
  rejected: number;
  conflict: number;
  localErrors: LocalError[];
  duplicates: string[];
  /** Cells refused only for a missing note: the typed value is kept; send again with a note. */
  needNote: string[];
}

export interface SessionOptions {
  /** Minor digits of the organization's currency. */
  digits: number;
  /** Variance of forecast to target flagged beyond this percentage of the target. */
  tolerancePct: number;
  newKey: () => string;
  /** The pause before resending a batch whose answer was lost (attempt 1, 2, …); tests shorten it. */
  retryDelayMs?: (attempt: number) => number;
}

/**
 * Failures after which a batch may or may not have been applied (the connection dropped, the
 * service was busy or behind a gateway that gave up): the batch is sent again as it was, with the
 * same idempotency key, so it applies at most once and its first answer comes back.
 */
const UNCERTAIN = new Set([0, 502, 503, 504]);
const PUSH_ATTEMPTS = 4;

const periodsOf = (m: Mapping) => m.columns.map((c) => c.period).sort();

/** A binding whose columns no longer fit the table: what is missing, in the planner's words. */
export class BindingBroken extends Error {
  constructor(readonly binding: string, readonly problems: string[]) {
    super(`The binding "${binding}" no longer fits its table: ${problems.join(' ')}`);
  }
}

export class SyncSession {
  constructor(
    readonly port: WorkbookPort,
    readonly client: GatecellClient,
    readonly store: StateStore,
    readonly options: SessionOptions,
  ) {}

  async propose(): Promise<{ table: TableData; proposal: Proposal }> {
    const table = await this.port.readTable(await this.port.tableAtSelection());
    return { table, proposal: proposeMapping(table.headers) };
  }

  /** Saves the binding with each bound column's id and header, as the table has them now. */
  async saveBinding(binding: Binding) {
    const table = await this.port.readTable(binding.table);
    const identified = { ...binding, mapping: identify(binding.mapping, table) };
    const all = (await this.port.loadBindings()).filter((b) => b.id !== binding.id && b.name !== binding.name);
    await this.port.saveBindings([...all, identified]);
    return identified;
  }

  /**
   * The bound table as it is now, and where its bound columns are: by id, checked against their
   * headers. A column deleted or retitled stops every read and write through the binding, with
   * what is missing: a value never goes to, or comes from, the wrong column.
   */
  async #read(binding: Binding): Promise<{ table: TableData; mapping: Mapping }> {
    const table = await this.port.readTable(binding.table);
    const resolved = resolveMapping(binding.mapping, table);
    if (!resolved.mapping) throw new BindingBroken(binding.name, resolved.problems);
    return { table, mapping: resolved.mapping };
  }

  async #state(binding: Binding): Promise<BindingState> {
    return (await this.store.load(binding.id)) ?? { snapshot: new Map(), revision: 0, noted: new Set() };
  }

  async #record(binding: Binding): Promise<{ revision: number; cells: WireCell[]; locks: Set<string> }> {
    const periods = periodsOf(binding.mapping);
    const kinds = [...new Set(binding.mapping.columns.map((c) => c.kind))];
    const r = await this.client.cells(binding.scope ?? '', { kinds, from: periods[0], to: periods.at(-1), editable: true });
    return { revision: r.revision, cells: r.cells, locks: new Set((r.locks ?? []).map((l) => cellKey(l.measure, l.kind, l.period))) };
  }

  /** Rows by measure code: the only way a row is found. */
  static rowsByCode(table: TableData, mapping: Mapping) {
    const rows = new Map<string, number>();
    table.rows.forEach((r, i) => {
      const code = String(r[mapping.codeColumn] ?? '').trim();
      if (code && !rows.has(code)) rows.set(code, i);
    });
    return rows;
  }

  /** Fills the bound cells with the record and remembers every version it wrote. */
  /**
   * One queue for every operation of the pane: a pull, push, refresh or check on open never runs
   * beside another (the 30 s refresh arriving during a push would flag the planner's own change
   * as someone else's). Each waits for the one before, whatever its outcome.
   */
  #queue: Promise<unknown> = Promise.resolve();
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Fills the bound cells with the record. With `keepEdits`, cells the planner changed since the
   * last pull or push keep their value and the version it was typed against, so pushing them later
   * is judged against what they were based on (a conflict, if someone changed the cell meanwhile).
   */
  pull(binding: Binding, opts: { addMissingRows?: boolean; keepEdits?: boolean } = {}) {
    return this.#serial(() => this.#pull(binding, opts));
  }
  pendingChanges(binding: Binding) {
    return this.#serial(() => this.#pendingChanges(binding));
  }
  push(binding: Binding, notes: ReadonlyMap<string, string> = new Map(), onProgress?: (done: number, total: number) => void): Promise<PushReport> {
    return this.#serial(() => this.#push(binding, notes, onProgress));
  }
  refresh(binding: Binding) {
    return this.#serial(() => this.#refresh(binding));
  }
  verify(binding: Binding) {
    return this.#serial(() => this.#verify(binding));
  }

  async #pull(binding: Binding, opts: { addMissingRows?: boolean; keepEdits?: boolean }) {
    const state = await this.#state(binding);
    const record = await this.#record(binding);
    let { table, mapping } = await this.#read(binding);
    const byCell = new Map(record.cells.map((c) => [cellKey(c.measure, c.kind, c.period), c]));
    let rows = SyncSession.rowsByCode(table, mapping);
    let added = 0;
    if (opts.addMissingRows) {
      const missing = [...new Set(record.cells.map((c) => c.measure))].filter((code) => !rows.has(code)).sort();
      if (missing.length) {
        const width = table.headers.length;
        await this.port.appendRows(binding.table, missing.map((code) => Object.assign(new Array(width).fill(''), { [mapping.codeColumn]: code })));
        added = missing.length;
        ({ table, mapping } = await this.#read(binding));
        rows = SyncSession.rowsByCode(table, mapping);
      }
    }
    const variance = varianceFlags(record.cells, this.options.tolerancePct);
    const kept = new Set(opts.keepEdits ? diffTable(table.rows, mapping, state.snapshot, this.options.digits).changes.map((c) => cellKey(c.measure, c.kind, c.period)) : []);
    const paint: CellPaint[] = [];
    for (const code of rows.keys())
      for (const { column, kind, period } of mapping.columns) {
        const key = cellKey(code, kind, period);
        if (kept.has(key)) continue;
        const cell = byCell.get(key);
        const known: RecordCell = { value: cell?.value ?? null, version: cell?.version ?? 0 };
        state.snapshot.set(key, known);
        const note = cell?.pending ? `Pending approval: ${cell.pending.value} requested; ${known.value ?? '(empty)'} is the approved value.` : null;
        const look = cell?.pending ? 'pending' : record.locks.has(key) ? 'readonly' : variance.has(key) ? 'variance' : 'plain';
        paint.push(this.#look(state, key, { measure: code, columnId: table.columnIds[column]!, value: known.value, look }, note, look === 'variance' ? 'Forecast beyond tolerance of the target.' : null));
      }
    await this.#paint(binding, table, mapping, paint);
    state.revision = record.revision;
    await this.store.save(binding.id, state);
    return { cells: paint.length, added, kept: kept.size, revision: record.revision };
  }

  /** How many bound cells the planner changed since the last pull or push (and how many cannot be sent). */
  async #pendingChanges(binding: Binding) {
    const state = await this.#state(binding);
    const { table, mapping } = await this.#read(binding);
    const diff = diffTable(table.rows, mapping, state.snapshot, this.options.digits);
    return { changes: diff.changes.length, errors: diff.errors.length };
  }

  /** Sends the cells changed since the last pull or push; writes back and flags every outcome. */
  async #push(binding: Binding, notes: ReadonlyMap<string, string>, onProgress?: (done: number, total: number) => void): Promise<PushReport> {
    const state = await this.#state(binding);
    const { table, mapping } = await this.#read(binding);
    const diff = diffTable(table.rows, mapping, state.snapshot, this.options.digits);
    const report: PushReport = { sent: diff.changes.length, applied: 0, pending: 0, rejected: 0, conflict: 0, localErrors: diff.errors, duplicates: diff.duplicates, needNote: [] };
    const columnId = (column: number) => table.columnIds[column]!;
    const local: CellPaint[] = diff.errors.map((e) =>
      this.#look(state, cellKey(e.measure, e.kind, e.period), { measure: e.measure, columnId: columnId(e.column), look: 'rejected' }, `Not sent: ${e.message}`));
    if (local.length) await this.#paint(binding, table, mapping, local);
    const workbook = await this.port.workbookName();
    const plan = planPush(diff.changes, {
      source: { workbook, sheet: table.sheet, binding: binding.name },
      notes,
      newKey: this.options.newKey,
      cellAddress: (c) => a1(table.firstCell.row + c.row, table.firstCell.column + c.column),
    });
    let done = 0;
    for (let b = 0; b < plan.batches.length; b++) {
      const answer = await this.#send(plan.batches[b]!);
      const writes = applyResults(plan.sent[b]!, answer.results, state.snapshot);
      const cells = writes.map((w, i) => {
        report[w.flag] += 1;
        const c = plan.sent[b]![i]!;
        const key = cellKey(c.measure, c.kind, c.period);
        if (w.flag === 'rejected' && w.value === undefined) report.needNote.push(key);
        return this.#look(state, key, { measure: c.measure, columnId: columnId(w.column), value: w.value, look: w.flag }, w.note);
      });
      // What the service applied is saved before anything is written to the sheet: a write that
      // fails (cell-edit mode, a protected sheet, a request over 5 MB) must not lose the versions,
      // or the planner's next push would conflict with their own change.
      state.revision = Math.max(state.revision, answer.revision);
      await this.store.save(binding.id, state);
      // Written where each measure and column are when the answer is back, not where they were sent from.
      await this.#paint(binding, table, mapping, cells);
      done += plan.sent[b]!.length;
      onProgress?.(done, diff.changes.length);
    }
    return report;
  }

  async #send(batch: PushBody) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.push(batch);
      } catch (e) {
        if (!(e instanceof ApiCallError) || !UNCERTAIN.has(e.status) || attempt === PUSH_ATTEMPTS) throw e;
        const delay = this.options.retryDelayMs?.(attempt) ?? 500 * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * Takes in what others changed since the last pull: cells the planner has not touched take the
   * new record value and are flagged; touched ones keep the planner's value and say they will conflict.
   */
  async #refresh(binding: Binding) {
    const state = await this.#state(binding);
    const changes = await this.client.changes(binding.scope ?? '', state.revision);
    const { table, mapping } = await this.#read(binding);
    const rows = SyncSession.rowsByCode(table, mapping);
    const columns = new Map(mapping.columns.map((c) => [`${c.kind}\u0001${c.period}`, c.column]));
    const paint: CellPaint[] = [];
    for (const cell of changes.cells) {
      const row = rows.get(cell.measure);
      const column = columns.get(`${cell.kind}\u0001${cell.period}`);
      if (row === undefined || column === undefined) continue;
      const key = cellKey(cell.measure, cell.kind, cell.period);
      const known = state.snapshot.get(key);
      const onSheet = table.rows[row]![column];
      const untouched = !known || onSheet === (known.value ?? '') || onSheet === known.value;
      if (cell.decided && !cell.pending && untouched) {
        // Every decision reaches the cell, with who decided and why.
        const { status, comment, by } = cell.decided;
        state.snapshot.set(key, { value: cell.value, version: cell.version });
        const why = comment ? `: "${comment}"` : '';
        paint.push(this.#look(state, key, { measure: cell.measure, columnId: table.columnIds[column]!, value: cell.value, look: status === 'approved' ? 'applied' : status === 'rejected' ? 'rejected' : 'stale' },
          status === 'approved' ? `Approved by ${by ?? 'the controller'}${why}.`
            : status === 'rejected' ? `Rejected by ${by ?? 'the controller'}${why}. The approved value ${cell.value ?? '(empty)'} stays the record.`
            : `Your request was withdrawn${why}. The record holds ${cell.value ?? '(empty)'}.`));
        continue;
      }
      if (known && known.value === cell.value && known.version === cell.version) continue;
      if (untouched) {
        state.snapshot.set(key, { value: cell.value, version: cell.version });
        paint.push(this.#look(state, key, { measure: cell.measure, columnId: table.columnIds[column]!, value: cell.value, look: cell.pending ? 'pending' : 'stale' },
          cell.pending ? `Pending approval: ${cell.pending.value} requested.` : `Updated from the record (was ${known?.value ?? '(empty)'}): changed by someone else since your last pull.`));
      } else {
        paint.push(this.#look(state, key, { measure: cell.measure, columnId: table.columnIds[column]!, look: 'conflict' },
          `Changed by someone else to ${cell.value ?? '(empty)'} since your last pull: pushing your value will conflict. Pull to take theirs.`));
      }
    }
    // A measure that passed a gate (or was put on hold) may lock or unlock its cells.
    const moved = new Set(changes.measures.map((m) => m.code).filter((code) => rows.has(code)));
    const flagged = new Set(paint.map((p) => `${p.measure}\u0001${p.columnId}`));
    if (moved.size) {
      const { locks } = await this.#record(binding);
      for (const code of moved)
        for (const { column, kind, period } of mapping.columns) {
          const columnId = table.columnIds[column]!;
          const key = cellKey(code, kind, period);
          // A cell waiting for approval keeps its flag until its own request is decided.
          if (!flagged.has(`${code}\u0001${columnId}`) && !state.pending?.has(key)) paint.push({ measure: code, columnId, look: locks.has(key) ? 'readonly' : 'plain' });
        }
    }
    await this.#paint(binding, table, mapping, paint);
    state.revision = changes.revision;
    await this.store.save(binding.id, state);
    return { changed: flagged.size, measures: changes.measures };
  }

  /** On open: every bound cell checked against the record; a value that is not the approved one is flagged. */
  async #verify(binding: Binding) {
    const state = await this.#state(binding);
    const record = await this.#record(binding);
    const { table, mapping } = await this.#read(binding);
    const byCell = new Map(record.cells.map((c) => [cellKey(c.measure, c.kind, c.period), c]));
    const paint: CellPaint[] = [];
    for (const [code, row] of SyncSession.rowsByCode(table, mapping))
      for (const { column, kind, period } of mapping.columns) {
        const key = cellKey(code, kind, period);
        const approved = byCell.get(key)?.value ?? null;
        const onSheet = table.rows[row]![column];
        const shown = onSheet === '' || onSheet === null || onSheet === undefined ? null : onSheet;
        if (shown !== approved)
          paint.push(this.#look(state, key, { measure: code, columnId: table.columnIds[column]!, look: 'stale' }, `Not the approved value: the record holds ${approved ?? '(nothing)'}. Push it for approval, or pull to restore the record.`));
      }
    await this.#paint(binding, table, mapping, paint);
    await this.store.save(binding.id, state);
    return { mismatches: paint.length };
  }

  /**
   * Writes cells addressed by measure and column id: the port finds them as the table is then. A
   * cell that holds a formula is flagged but never written over: the formula is the planner's.
   */
  #paint(binding: Binding, table: TableData, mapping: Mapping, cells: readonly CellPaint[]) {
    const formulas = new Set<string>();
    const width = table.headers.length;
    for (const at of table.formulaCells) {
      const code = String(table.rows[Math.floor(at / width)]?.[mapping.codeColumn] ?? '').trim();
      if (code) formulas.add(`${code}\u0001${table.columnIds[at % width]}`);
    }
    const kept = formulas.size ? cells.map((c) => (c.value !== undefined && formulas.has(`${c.measure}\u0001${c.columnId}`) ? { ...c, value: undefined } : c)) : cells;
    return this.port.paint(binding.table, table.columnIds[mapping.codeColumn]!, kept);
  }

  /** A cell's look and note, remembering which cells carry the add-in's notes. */
  #look(state: BindingState, key: string, paint: Omit<CellPaint, 'note'>, note: string | null, fallback: string | null = null): CellPaint {
    if (paint.look === 'pending') (state.pending ??= new Set()).add(key);
    else state.pending?.delete(key);
    const text = note ?? fallback;
    if (text) {
      state.noted.add(key);
      return { ...paint, note: text };
    }
    if (state.noted.delete(key)) return { ...paint, note: null };
    return paint;
  }
}
