// What the pane's buttons do: pull, push, refresh and the on-open check, for one binding. Plain
// TypeScript over the WorkbookPort and the API client; the rules stay in shared/sync.
import { type RecordCell, cellKey } from '../../shared/sync/cells.js';
import { diffTable, type LocalError } from '../../shared/sync/diff.js';
import {
  identify,
  type Mapping,
  proposeMapping,
  type Proposal,
  resolveMapping,
} from '../../shared/sync/mapping.js';
import { applyResults, planPush, varianceFlags } from '../../shared/sync/push.js';
import type { PushBody } from '../../shared/api/schemas.js';
import { ApiCallError, type GatecellClient, type WireCell } from '../api/client.js';
import {
  a1,
  type Binding,
  type CellEdit,
  type CellLook,
  type CellPaint,
  type EditSource,
  LOOK_SYMBOL,
  REQUEST_BYTES,
  paintPayloadBytes,
  type ReportWritten,
  type TableData,
  type WorkbookPort,
} from '../workbook/port.js';
import { executiveReport } from '../report/report.js';
import { minorDigits } from '../../shared/money.js';
import { type BindingState, emptyState, type StateStore } from './state.js';

/** Where a change came from: typed here while the pane watched, by a co-author, or found on open (unseen). */
export type ChangeOrigin = 'yours' | 'co-author' | 'unseen';

/** A bound cell as the pane lists it: what it is, and where ("go to cell" uses the measure and column id). */
export interface ListedCell {
  key: string;
  measure: string;
  kind: string;
  period: string;
  /** A1 address in the sheet when listed. */
  address: string;
  columnId: number;
}

/** A cell the planner changed since the last pull or push, as the pane lists it before Push. */
export interface PendingChange extends ListedCell {
  value: number;
  /** The record's value the add-in last wrote there (what "revert" puts back). */
  was: number | null;
  origin: ChangeOrigin;
}

export interface PendingError extends ListedCell {
  value: unknown;
  message: string;
}

export interface PendingList {
  changes: PendingChange[];
  errors: PendingError[];
  duplicates: string[];
}

/** A cell the add-in flagged, and why (what its note says). */
export interface FlaggedCell {
  key: string;
  measure: string;
  columnId: number;
  look: CellPaint['look'];
  note: string;
}

/** One outcome of a push, for the list after it. */
export interface PushOutcome extends ListedCell {
  /** What the planner typed and sent, and the record's value it replaced. */
  typed: number;
  was: number | null;
  /** What the record holds now, and its version. */
  value: number | null;
  version: number;
  flag: 'applied' | 'pending' | 'rejected' | 'conflict';
  reason: string | null;
  /** Rejected only for want of a note: the typed value stays in the cell. */
  needsNote: boolean;
}

export interface PushReport {
  sent: number;
  applied: number;
  pending: number;
  rejected: number;
  conflict: number;
  outcomes: PushOutcome[];
  localErrors: LocalError[];
  duplicates: string[];
  /** Cells refused only for a missing note: the typed value is kept; send again with a note. */
  needNote: string[];
  /** Changes not sent because a co-author made them: never sent under this user's name. */
  othersEdits: PendingChange[];
  /** Changes found in the workbook that nobody was seen typing (made while the pane was closed): held until the planner says they are theirs. */
  unseen: PendingChange[];
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
/** The days of decisions an executive report lists, today included: a monthly S&OP cycle's. */
export const REPORT_DAYS = 31;

const periodsOf = (m: Mapping) => m.columns.map((c) => c.period).sort();

/** A binding whose columns no longer fit the table: what is missing, in the planner's words. */
export class BindingBroken extends Error {
  constructor(
    readonly binding: string,
    readonly problems: string[],
  ) {
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

  /**
   * A new workbook for a scope, opened beside this one: the service's starter workbook (a table
   * of the scope's measures with the record's values, already bound), so the planner starts from
   * the record with no mapping step.
   */
  async newWorkbook(scope: string, q: { kinds?: string[]; from?: string; to?: string } = {}) {
    const bytes = new Uint8Array(await this.client.starterWorkbook(scope, q));
    // Base64, as Excel opens a workbook from, built in slices (a spread of megabytes overflows).
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    await this.port.openWorkbook(btoa(binary));
  }

  /**
   * The executive report of `scope` written into this workbook, on its own sheet: the figures of
   * now, the decisions of the last REPORT_DAYS days. Inserting it again refreshes the same sheet
   * in place; one unprotected since it was written is replaced only with `replaceUnprotected`.
   */
  async insertReport(
    scope: string,
    options: { replaceUnprotected?: boolean; now?: Date } = {},
  ): Promise<ReportWritten> {
    const asOf = options.now ?? new Date();
    const to = asOf.toISOString().slice(0, 10);
    const from = new Date(asOf.getTime() - (REPORT_DAYS - 1) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const [rollup, variances, exceptions, decisions] = await Promise.all([
      this.client.rollup(scope),
      this.client.variances(scope),
      this.client.exceptions(scope),
      this.client.decisions(scope, from, to),
    ]);
    const report = executiveReport({
      scope: { code: variances.scope, name: variances.name },
      currency: rollup.currency,
      digits: minorDigits(rollup.currency),
      asOf,
      rollup,
      variances,
      exceptions: exceptions.exceptions,
      decisions,
    });
    return this.port.writeReport(report, options);
  }

  /** A mapping proposed from the headers of `table` (by default the selected one), and its binding if it has one. */
  async propose(
    tableKey?: string,
  ): Promise<{ table: TableData; proposal: Proposal; bound: Binding | null }> {
    const table = await this.port.readTable(tableKey ?? (await this.port.tableAtSelection()));
    const bound = (await this.port.loadBindings()).find((b) => sameTable(b, table)) ?? null;
    return { table, proposal: proposeMapping(table.headers), bound };
  }

  /**
   * Saves the binding with the table's id and each bound column's id and header, as the table has
   * them now. A table is bound once: binding it again replaces its binding (same id, so the state
   * kept for its cells stays valid — it is keyed by measure, kind and month, not by column).
   */
  async saveBinding(binding: Binding) {
    const table = await this.port.readTable(binding.tableId ?? binding.table);
    const all = await this.port.loadBindings();
    const existing = all.find((b) => sameTable(b, table));
    const identified: Binding = {
      ...binding,
      id: existing?.id ?? binding.id,
      table: table.name,
      tableId: table.id,
      mapping: identify(binding.mapping, table),
    };
    if (all.some((b) => b.id !== identified.id && b.name === identified.name))
      throw new Error(
        `A binding named "${identified.name}" already exists in this workbook: choose another name.`,
      );
    await this.port.saveBindings([...all.filter((b) => b.id !== identified.id), identified]);
    // Edits are watched from the moment a table is bound.
    this.#watching = null;
    await this.#watch();
    return identified;
  }

  /** The binding removed, with the add-in's flags and notes on its cells (the values and the planner's own notes and fills stay). */
  removeBinding(binding: Binding) {
    return this.#serial(async () => {
      const state = await this.#state(binding);
      const resolved = await this.#read(binding).catch(() => null);
      if (resolved) {
        const paint: CellPaint[] = [];
        for (const c of SyncSession.cellsOf(resolved.table, resolved.mapping))
          paint.push({
            measure: c.measure,
            columnId: c.columnId,
            look: 'plain',
            ...(state.noted.has(c.key) ? { note: null } : {}),
          });
        await this.#paint(binding, state, resolved.table, resolved.mapping, paint);
      }
      await this.port.saveBindings(
        (await this.port.loadBindings()).filter((b) => b.id !== binding.id),
      );
      await this.store.remove(binding.id);
      this.#origins.delete(binding.id);
      this.#flags.delete(binding.id);
      this.#watching = null;
    });
  }

  /**
   * The bound table as it is now, and where its bound columns are: by id, checked against their
   * headers. A column deleted or retitled stops every read and write through the binding, with
   * what is missing: a value never goes to, or comes from, the wrong column.
   */
  async #read(binding: Binding): Promise<{ table: TableData; mapping: Mapping }> {
    await this.#watch();
    const table = await this.port.readTable(binding.tableId ?? binding.table);
    const resolved = resolveMapping(binding.mapping, table);
    if (!resolved.mapping) throw new BindingBroken(binding.name, resolved.problems);
    return { table, mapping: resolved.mapping };
  }

  async #state(binding: Binding): Promise<BindingState> {
    return (await this.store.load(binding.id)) ?? emptyState();
  }

  /**
   * The record of the binding's scope, and which cells are locked for everyone (a closed month, a
   * frozen measure, outside the window, an actual not yet due) — painted read-only in the shared
   * workbook — apart from those locked only for this user by their role, which are counted for
   * the pane but not painted: a co-author reading the same file may well change them.
   */
  async #record(
    binding: Binding,
  ): Promise<{ revision: number; cells: WireCell[]; locks: Set<string>; yoursOnly: Set<string> }> {
    const periods = periodsOf(binding.mapping);
    const kinds = [...new Set(binding.mapping.columns.map((c) => c.kind))];
    const r = await this.client.cells(binding.scope ?? '', {
      kinds,
      from: periods[0],
      to: periods.at(-1),
      editable: true,
    });
    const locks = r.locks ?? [];
    return {
      revision: r.revision,
      cells: r.cells,
      locks: new Set(
        locks
          .filter((l) => l.reason !== 'FORBIDDEN')
          .map((l) => cellKey(l.measure, l.kind, l.period)),
      ),
      yoursOnly: new Set(
        locks
          .filter((l) => l.reason === 'FORBIDDEN')
          .map((l) => cellKey(l.measure, l.kind, l.period)),
      ),
    };
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

  /** Every bound cell of the table as it is now: its measure, row and column, kind and month, key and column id. */
  static *cellsOf(table: TableData, mapping: Mapping) {
    for (const [measure, row] of SyncSession.rowsByCode(table, mapping))
      for (const { column, kind, period } of mapping.columns)
        yield {
          measure,
          row,
          column,
          kind,
          period,
          key: cellKey(measure, kind, period),
          columnId: table.columnIds[column]!,
        };
  }

  // ——— Whose edits ———

  /**
   * Who last edited each bound cell while this pane watched, per binding: the user here or a
   * co-author (Excel on the web says which). Only the user's own edits are sent under their name;
   * a co-author's stay for the co-author to push; a change nobody was seen making (the workbook
   * was edited with the pane closed) waits until the planner says it is theirs.
   */
  #origins = new Map<string, Map<string, EditSource>>();
  #watching: Promise<unknown> | null = null;
  #stopWatching: (() => Promise<void>) | null = null;

  /**
   * Bindings made without their columns' ids — a starter workbook from the service, which cannot
   * know the ids Excel gives its columns, or a binding older than ids — identified against their
   * tables as they stand (while every bound column still reads as bound) and saved once: from
   * then on their edits are watched, and the measure behind a cell found, like any binding's.
   */
  async identifyBindings(): Promise<Binding[]> {
    const all = await this.port.loadBindings();
    if (all.every((b) => b.mapping.codeColumnId !== undefined)) return all;
    const identified: Binding[] = [];
    let changed = false;
    for (const b of all) {
      const table =
        b.mapping.codeColumnId === undefined
          ? await this.port.readTable(b.tableId ?? b.table).catch(() => null)
          : null;
      const resolved = table ? resolveMapping(b.mapping, table).mapping : null;
      if (table && resolved) changed = true;
      identified.push(
        table && resolved
          ? { ...b, table: table.name, tableId: table.id, mapping: identify(resolved, table) }
          : b,
      );
    }
    // A binding that no longer fits its table stays as it is (and says so where it is used).
    if (changed) await this.port.saveBindings(identified);
    return identified;
  }

  /** Starts (or renews, after the bindings changed) watching the edits of every bound table. */
  #watch() {
    this.#watching ??= (async () => {
      await this.#stopWatching?.();
      const bindings = await this.identifyBindings();
      const watched = bindings.filter((b) => b.mapping.codeColumnId !== undefined);
      // Per bound table, the kind and month of each bound column id: looked up on every edit.
      const slots = watched.map((b) => ({
        id: b.id,
        table: b.tableId ?? b.table,
        slots: new Map(b.mapping.columns.map((c) => [c.columnId, c])),
      }));
      this.#stopWatching = await this.port.onEdited(
        watched.map((b) => ({
          table: b.tableId ?? b.table,
          codeColumnId: b.mapping.codeColumnId!,
        })),
        (edit) => this.#edited(slots, edit),
      );
    })();
    return this.#watching;
  }

  /** The pane's listeners to edits (the one Excel listener is the session's). */
  #subscribers = new Set<(edit: CellEdit) => void>();
  /** Calls back on every edit of a bound table (after the session noted whose it is); returns a function to stop. */
  subscribe(handler: (edit: CellEdit) => void) {
    this.#subscribers.add(handler);
    void this.#watch();
    return () => void this.#subscribers.delete(handler);
  }

  #edited(
    bound: readonly {
      id: string;
      table: string;
      slots: ReadonlyMap<number | undefined, { kind: string; period: string }>;
    }[],
    edit: CellEdit,
  ) {
    for (const b of bound) {
      if (b.table !== edit.table) continue;
      let origins = this.#origins.get(b.id);
      if (!origins) this.#origins.set(b.id, (origins = new Map()));
      for (const cell of edit.cells) {
        const slot = b.slots.get(cell.columnId);
        if (slot) origins.set(cellKey(cell.measure, slot.kind, slot.period), edit.source);
      }
    }
    for (const s of this.#subscribers) s(edit);
  }

  #origin(binding: Binding, key: string): ChangeOrigin {
    const source = this.#origins.get(binding.id)?.get(key);
    return source === 'local' ? 'yours' : source === 'remote' ? 'co-author' : 'unseen';
  }

  /** The planner says the changes found on open are theirs: they are sent with the next push. */
  adoptUnseen(binding: Binding, keys: Iterable<string>) {
    let origins = this.#origins.get(binding.id);
    if (!origins) this.#origins.set(binding.id, (origins = new Map()));
    for (const key of keys) if (!origins.has(key)) origins.set(key, 'local');
  }

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
    return this.#serial(async () => {
      const list = await this.#pending(binding);
      return { changes: list.changes.length, errors: list.errors.length };
    });
  }
  /** The measure code on the row of a selected cell of a bound table (one cell read, not the table). */
  async measureAt(selection: { table: string; row: number }): Promise<string | null> {
    const binding = (await this.port.loadBindings()).find(
      (b) => (b.tableId ?? b.table) === selection.table || b.table === selection.table,
    );
    if (!binding || binding.mapping.codeColumnId === undefined) return null;
    const code = String(
      (await this.port.cellValue(
        binding.tableId ?? binding.table,
        binding.mapping.codeColumnId,
        selection.row,
      )) ?? '',
    ).trim();
    return code || null;
  }

  /** Selects a listed cell in the sheet ("go to cell"). */
  async showCell(binding: Binding, item: { measure: string; columnId: number }) {
    const codeColumnId = binding.mapping.codeColumnId;
    return (
      codeColumnId !== undefined &&
      this.port.showCell(
        binding.tableId ?? binding.table,
        codeColumnId,
        item.measure,
        item.columnId,
      )
    );
  }

  /** Every cell changed since the last pull or push, errors first in the pane, each with where it is and whose it is. */
  pendingList(binding: Binding) {
    return this.#serial(() => this.#pending(binding));
  }
  push(
    binding: Binding,
    notes: ReadonlyMap<string, string> = new Map(),
    onProgress?: (done: number, total: number) => void,
  ): Promise<PushReport> {
    return this.#serial(() => this.#push(binding, notes, onProgress));
  }
  refresh(binding: Binding) {
    return this.#serial(() => this.#refresh(binding));
  }
  verify(binding: Binding) {
    return this.#serial(() => this.#verify(binding));
  }

  /** Puts the record's value back into changed cells (the planner's "revert"); nothing is sent. */
  revert(binding: Binding, keys: ReadonlySet<string>) {
    return this.#serial(async () => {
      const state = await this.#state(binding);
      const { table, mapping } = await this.#read(binding);
      const list = this.#list(binding, table, mapping, state);
      const changed = new Set(
        [...list.changes, ...list.errors].map((c) => c.key).filter((k) => keys.has(k)),
      );
      return this.#putRecordBack(binding, state, table, mapping, changed);
    });
  }

  /** A conflict resolved by taking the record's value, which is already in the cell: the flag goes. */
  takeTheirs(binding: Binding, keys: ReadonlySet<string>) {
    return this.#serial(async () => {
      const state = await this.#state(binding);
      const { table, mapping } = await this.#read(binding);
      await this.#putRecordBack(binding, state, table, mapping, keys);
    });
  }

  /** The cells of `keys` show the record's value again, unflagged and without the add-in's note; answers how many. */
  async #putRecordBack(
    binding: Binding,
    state: BindingState,
    table: TableData,
    mapping: Mapping,
    keys: ReadonlySet<string>,
  ) {
    const paint: CellPaint[] = [];
    for (const c of SyncSession.cellsOf(table, mapping))
      if (keys.has(c.key)) {
        const record = {
          measure: c.measure,
          columnId: c.columnId,
          value: state.snapshot.get(c.key)?.value ?? null,
          look: 'plain' as const,
        };
        paint.push(this.#look(binding, state, c.key, record, null));
      }
    await this.store.save(binding.id, state);
    await this.#paint(binding, state, table, mapping, paint);
    return paint.length;
  }

  /**
   * A conflict resolved by keeping the planner's value: typed again into the cell and sent on the
   * version the record has now (the add-in remembers it since the conflict), judged as any edit.
   */
  keepMine(
    binding: Binding,
    typed: ReadonlyMap<string, number>,
    notes: ReadonlyMap<string, string> = new Map(),
  ) {
    return this.#serial(async () => {
      const state = await this.#state(binding);
      const { table, mapping } = await this.#read(binding);
      const paint: CellPaint[] = [];
      for (const c of SyncSession.cellsOf(table, mapping)) {
        const value = typed.get(c.key);
        if (value !== undefined)
          paint.push({ measure: c.measure, columnId: c.columnId, value, look: 'conflict' });
      }
      await this.#paint(binding, state, table, mapping, paint);
      this.adoptUnseen(binding, typed.keys());
      for (const key of typed.keys()) this.#origins.get(binding.id)!.set(key, 'local');
      return this.#push(binding, notes, undefined, new Set(typed.keys()));
    });
  }

  /**
   * Undoes the last push's applied changes while nothing changed since: each sent back to the value
   * it replaced, on the version the push created — so if anyone changed the cell since, it is a
   * conflict, never an overwrite. A change that is still pending approval is not undone here.
   */
  undo(binding: Binding, last: PushReport) {
    return this.#serial(async () => {
      const state = await this.#state(binding);
      const { table, mapping } = await this.#read(binding);
      const paint: CellPaint[] = [];
      const keys = new Set<string>();
      for (const o of last.outcomes) {
        const was = o.was;
        if (o.flag !== 'applied' || was === null) continue;
        const known = state.snapshot.get(o.key);
        if (!known || known.value !== o.value) continue; // changed since: not this push's to undo
        paint.push({ measure: o.measure, columnId: o.columnId, value: was, look: 'plain' });
        keys.add(o.key);
      }
      await this.#paint(binding, state, table, mapping, paint);
      this.adoptUnseen(binding, keys);
      return this.#push(
        binding,
        new Map([...keys].map((k) => [k, 'Undo of my last push.'])),
        undefined,
        keys,
      );
    });
  }

  async #pull(binding: Binding, opts: { addMissingRows?: boolean; keepEdits?: boolean }) {
    const state = await this.#state(binding);
    const record = await this.#record(binding);
    let { table, mapping } = await this.#read(binding);
    const byCell = new Map(record.cells.map((c) => [cellKey(c.measure, c.kind, c.period), c]));
    let rows = SyncSession.rowsByCode(table, mapping);
    let added = 0;
    if (opts.addMissingRows) {
      const missing = [...new Set(record.cells.map((c) => c.measure))]
        .filter((code) => !rows.has(code))
        .sort();
      if (missing.length) {
        const width = table.headers.length;
        await this.port.appendRows(
          binding.tableId ?? binding.table,
          missing.map((code) =>
            Object.assign(new Array(width).fill(''), { [mapping.codeColumn]: code }),
          ),
        );
        added = missing.length;
        ({ table, mapping } = await this.#read(binding));
        rows = SyncSession.rowsByCode(table, mapping);
      }
    }
    const variance = varianceFlags(record.cells, this.options.tolerancePct);
    const kept = new Set(
      opts.keepEdits
        ? this.#diff(table, mapping, state).changes.map((c) => cellKey(c.measure, c.kind, c.period))
        : [],
    );
    const paint: CellPaint[] = [];
    const written: string[] = [];
    for (const code of rows.keys())
      for (const { column, kind, period } of mapping.columns) {
        const key = cellKey(code, kind, period);
        if (kept.has(key)) continue;
        written.push(key);
        const cell = byCell.get(key);
        const known: RecordCell = { value: cell?.value ?? null, version: cell?.version ?? 0 };
        state.snapshot.set(key, known);
        const note = cell?.pending
          ? `Pending approval: ${cell.pending.value} requested; ${known.value ?? '(empty)'} is the approved value.`
          : null;
        const look = cell?.pending
          ? 'pending'
          : record.locks.has(key)
            ? 'readonly'
            : variance.has(key)
              ? 'variance'
              : 'plain';
        paint.push(
          this.#look(
            binding,
            state,
            key,
            { measure: code, columnId: table.columnIds[column]!, value: known.value, look },
            note,
            look === 'variance' ? 'Forecast beyond tolerance of the target.' : null,
          ),
        );
      }
    await this.#writeRecord(binding, state, table, mapping, paint, written, record.revision);
    return {
      cells: paint.length,
      added,
      kept: kept.size,
      revision: record.revision,
      readOnlyForYou: written.filter((k) => record.yoursOnly.has(k)).length,
    };
  }

  /**
   * What the planner changed: the table against the state. A cell the add-in was writing the
   * record into when the write failed is not a change: its value is neither sent nor trusted
   * until a pull writes it again (it is listed as a cell that cannot be sent).
   */
  #diff(table: TableData, mapping: Mapping, state: BindingState) {
    const diff = diffTable(table.rows, mapping, state.snapshot, this.options.digits);
    if (!state.unconfirmed.size) return diff;
    const changes = diff.changes.filter(
      (c) => !state.unconfirmed.has(cellKey(c.measure, c.kind, c.period)),
    );
    const unsure = diff.changes
      .filter((c) => state.unconfirmed.has(cellKey(c.measure, c.kind, c.period)))
      .map((c) => ({
        row: c.row,
        column: c.column,
        measure: c.measure,
        kind: c.kind,
        period: c.period,
        value: c.value,
        message:
          "Excel refused the write of the record into this cell: pull to take the record's value, then type yours again.",
      }));
    return { ...diff, changes, errors: [...diff.errors, ...unsure] };
  }

  async #pending(binding: Binding): Promise<PendingList> {
    const state = await this.#state(binding);
    const { table, mapping } = await this.#read(binding);
    return this.#list(binding, table, mapping, state);
  }

  #list(
    binding: Binding,
    table: TableData,
    mapping: Mapping,
    state: BindingState,
    diff = this.#diff(table, mapping, state),
  ): PendingList {
    const where = (row: number, column: number) => ({
      address: a1(table.firstCell.row + row, table.firstCell.column + column),
      columnId: table.columnIds[column]!,
    });
    return {
      changes: diff.changes.map((c) => {
        const key = cellKey(c.measure, c.kind, c.period);
        return {
          key,
          measure: c.measure,
          kind: c.kind,
          period: c.period,
          ...where(c.row, c.column),
          value: c.value,
          was: state.snapshot.get(key)?.value ?? null,
          origin: this.#origin(binding, key),
        };
      }),
      errors: diff.errors.map((e) => ({
        key: cellKey(e.measure, e.kind, e.period),
        measure: e.measure,
        kind: e.kind,
        period: e.period,
        ...where(e.row, e.column),
        value: e.value,
        message: e.message,
      })),
      duplicates: diff.duplicates,
    };
  }

  /**
   * Sends the cells changed since the last pull or push that are the planner's own (or, with
   * `only`, just those); writes back and flags every outcome.
   */
  async #push(
    binding: Binding,
    notes: ReadonlyMap<string, string>,
    onProgress?: (done: number, total: number) => void,
    only?: ReadonlySet<string>,
  ): Promise<PushReport> {
    const state = await this.#state(binding);
    const { table, mapping } = await this.#read(binding);
    const diff = this.#diff(table, mapping, state);
    const list = this.#list(binding, table, mapping, state, diff);
    const origin = new Map(list.changes.map((c) => [c.key, c]));
    const mine = diff.changes.filter((c) => {
      const key = cellKey(c.measure, c.kind, c.period);
      return only ? only.has(key) : origin.get(key)!.origin === 'yours';
    });
    const report: PushReport = {
      sent: mine.length,
      applied: 0,
      pending: 0,
      rejected: 0,
      conflict: 0,
      outcomes: [],
      localErrors: only ? [] : diff.errors,
      duplicates: diff.duplicates,
      needNote: [],
      othersEdits: only ? [] : list.changes.filter((c) => c.origin === 'co-author'),
      unseen: only ? [] : list.changes.filter((c) => c.origin === 'unseen'),
    };
    const columnId = (column: number) => table.columnIds[column]!;
    const local: CellPaint[] = report.localErrors.map((e) =>
      this.#look(
        binding,
        state,
        cellKey(e.measure, e.kind, e.period),
        { measure: e.measure, columnId: columnId(e.column), look: 'rejected' },
        `Not sent: ${e.message}`,
      ),
    );
    if (local.length) {
      await this.#paint(binding, state, table, mapping, local);
      await this.store.save(binding.id, state);
    }
    const workbook = await this.port.workbookName();
    const address = (c: { row: number; column: number }) =>
      a1(table.firstCell.row + c.row, table.firstCell.column + c.column);
    const plan = planPush(mine, {
      source: { workbook, sheet: table.sheet, binding: binding.name },
      notes,
      newKey: this.options.newKey,
      cellAddress: address,
    });
    let done = 0;
    for (let b = 0; b < plan.batches.length; b++) {
      const answer = await this.#send(plan.batches[b]!);
      const writes = applyResults(plan.sent[b]!, answer.results, state.snapshot);
      // A conflict puts the record's value back over the typed one: until that write is confirmed
      // the cell is marked, or a failed write would leave the typed value looking like an edit
      // made on the new version.
      const conflicts = answer.results
        .filter((r) => r.outcome === 'conflict')
        .map((r) => {
          const c = plan.sent[b]![r.index]!;
          return cellKey(c.measure, c.kind, c.period);
        });
      const cells = writes.map((w, i) => {
        report[w.flag] += 1;
        const c = plan.sent[b]![i]!;
        const key = cellKey(c.measure, c.kind, c.period);
        const needsNote = w.flag === 'rejected' && w.value === undefined;
        if (needsNote) report.needNote.push(key);
        const r = answer.results[i]!;
        report.outcomes.push({
          key,
          measure: c.measure,
          kind: c.kind,
          period: c.period,
          address: address(c),
          columnId: columnId(w.column),
          typed: c.value,
          was: origin.get(key)?.was ?? null,
          value: r.value,
          version: r.version,
          flag: w.flag,
          reason: w.note,
          needsNote,
        });
        return this.#look(
          binding,
          state,
          key,
          { measure: c.measure, columnId: columnId(w.column), value: w.value, look: w.flag },
          w.note,
        );
      });
      // What the service applied is saved before anything is written to the sheet: a write that
      // fails (cell-edit mode, a protected sheet, a request over 5 MB) must not lose the versions,
      // or the planner's next push would conflict with their own change. Written where each
      // measure and column are when the answer is back, not where they were sent from.
      await this.#writeRecord(
        binding,
        state,
        table,
        mapping,
        cells,
        conflicts,
        Math.max(state.revision, answer.revision),
      );
      done += plan.sent[b]!.length;
      onProgress?.(done, mine.length);
    }
    return report;
  }

  async #send(batch: PushBody) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.push(batch);
      } catch (e) {
        if (!(e instanceof ApiCallError) || !UNCERTAIN.has(e.status) || attempt === PUSH_ATTEMPTS)
          throw e;
        const delay = this.options.retryDelayMs?.(attempt) ?? 500 * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * Takes in what others changed since the last pull: cells nobody here has touched take the new
   * record value and are flagged; touched ones keep their value and say they will conflict. The
   * notes state facts about the cell, true for whoever reads them in a shared workbook.
   */
  async #refresh(binding: Binding) {
    const state = await this.#state(binding);
    const changes = await this.client.changes(binding.scope ?? '', state.revision);
    const { table, mapping } = await this.#read(binding);
    const rows = SyncSession.rowsByCode(table, mapping);
    const columns = new Map(mapping.columns.map((c) => [`${c.kind}\u0001${c.period}`, c.column]));
    const paint: CellPaint[] = [];
    const written: string[] = [];
    for (const cell of changes.cells) {
      const row = rows.get(cell.measure);
      const column = columns.get(`${cell.kind}\u0001${cell.period}`);
      if (row === undefined || column === undefined) continue;
      const key = cellKey(cell.measure, cell.kind, cell.period);
      const known = state.snapshot.get(key);
      const onSheet = table.rows[row]![column];
      const untouched = !known || onSheet === (known.value ?? '') || onSheet === known.value;
      // The record's value goes into a cell nobody here has touched, flagged and with its reason.
      const takeRecord = (look: CellLook, note: string) => {
        state.snapshot.set(key, { value: cell.value, version: cell.version });
        written.push(key);
        paint.push(
          this.#look(
            binding,
            state,
            key,
            { measure: cell.measure, columnId: table.columnIds[column]!, value: cell.value, look },
            note,
          ),
        );
      };
      if (cell.decided && !cell.pending && untouched) {
        // Every decision reaches the cell, with who decided and why.
        const { status, comment, by } = cell.decided;
        const why = comment ? `: "${comment}"` : '';
        if (status === 'approved')
          takeRecord('applied', `Approved by ${by ?? 'the controller'}${why}.`);
        else if (status === 'rejected')
          takeRecord(
            'rejected',
            `Rejected by ${by ?? 'the controller'}${why}. The approved value ${cell.value ?? '(empty)'} stays the record.`,
          );
        else
          takeRecord(
            'stale',
            `The request was withdrawn${why}. The record holds ${cell.value ?? '(empty)'}.`,
          );
        continue;
      }
      if (known && known.value === cell.value && known.version === cell.version) continue;
      if (untouched) {
        takeRecord(
          cell.pending ? 'pending' : 'stale',
          cell.pending
            ? `Pending approval: ${cell.pending.value} requested.`
            : `Updated from the record (was ${known?.value ?? '(empty)'}).`,
        );
      } else {
        paint.push(
          this.#look(
            binding,
            state,
            key,
            { measure: cell.measure, columnId: table.columnIds[column]!, look: 'conflict' },
            `Conflict: the record changed to ${cell.value ?? '(empty)'} after this value was typed; pushing it will conflict. In the pane: keep this value, or take the record's.`,
          ),
        );
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
          if (!flagged.has(`${code}\u0001${columnId}`) && !state.pending.has(key))
            paint.push({ measure: code, columnId, look: locks.has(key) ? 'readonly' : 'plain' });
        }
    }
    await this.#writeRecord(binding, state, table, mapping, paint, written, changes.revision);
    return { changed: flagged.size, measures: changes.measures };
  }

  /** On open: every bound cell checked against the record; a value that is not the approved one is flagged. */
  async #verify(binding: Binding) {
    const state = await this.#state(binding);
    const record = await this.#record(binding);
    const { table, mapping } = await this.#read(binding);
    const byCell = new Map(record.cells.map((c) => [cellKey(c.measure, c.kind, c.period), c]));
    const paint: CellPaint[] = [];
    for (const c of SyncSession.cellsOf(table, mapping)) {
      const approved = byCell.get(c.key)?.value ?? null;
      const onSheet = table.rows[c.row]![c.column];
      const shown = onSheet === '' || onSheet === null || onSheet === undefined ? null : onSheet;
      if (shown !== approved)
        paint.push(
          this.#look(
            binding,
            state,
            c.key,
            { measure: c.measure, columnId: c.columnId, look: 'stale' },
            `Not the approved value: the record holds ${approved ?? '(nothing)'}. Push it for approval, or pull to restore the record.`,
          ),
        );
    }
    await this.store.save(binding.id, state);
    await this.#paint(binding, state, table, mapping, paint);
    return { mismatches: paint.length };
  }

  /**
   * Writes into the sheet after the state is saved — with the cells that take a record value the
   * sheet does not show yet (`written`) marked unconfirmed, confirmed once painted. A write that
   * fails leaves them marked: neither sent nor trusted until a pull writes them again.
   */
  async #writeRecord(
    binding: Binding,
    state: BindingState,
    table: TableData,
    mapping: Mapping,
    paint: readonly CellPaint[],
    written: readonly string[],
    revision: number,
  ) {
    if (!written.length) {
      // Nothing the sheet does not already show: one save, then the flags.
      state.revision = revision;
      await this.store.save(binding.id, state);
      return this.#paint(binding, state, table, mapping, paint);
    }
    for (const key of written) state.unconfirmed.add(key);
    await this.store.save(binding.id, state);
    await this.#paint(binding, state, table, mapping, paint);
    for (const key of written) state.unconfirmed.delete(key);
    state.revision = revision;
    await this.store.save(binding.id, state);
  }

  /**
   * Writes cells addressed by measure and column id: the port finds them as the table is then. A
   * cell that holds a formula is flagged but never written over: the formula is the planner's.
   * Cut into requests under Excel on the web's 5 MB.
   */
  async #paint(
    binding: Binding,
    state: BindingState,
    table: TableData,
    mapping: Mapping,
    cells: readonly CellPaint[],
  ) {
    const formulas = new Set<string>();
    const width = table.headers.length;
    for (const at of table.formulaCells) {
      const code = String(table.rows[Math.floor(at / width)]?.[mapping.codeColumn] ?? '').trim();
      if (code) formulas.add(`${code}\u0001${table.columnIds[at % width]}`);
    }
    // The kind and month of each bound column id: a cell's key from its measure and column.
    const slots = new Map(mapping.columns.map((c) => [table.columnIds[c.column]!, c]));
    const keyOf = (c: { measure: string; columnId: number }) => {
      const slot = slots.get(c.columnId);
      return slot ? cellKey(c.measure, slot.kind, slot.period) : null;
    };
    let restored = 0;
    const kept = cells.map((c) => {
      const noFormula =
        c.value !== undefined && formulas.has(`${c.measure}\u0001${c.columnId}`)
          ? { ...c, value: undefined }
          : c;
      // A flag going: the fill the user had before it comes back.
      if (noFormula.look !== 'plain' || !state.fills.size) return noFormula;
      const key = keyOf(noFormula);
      const fill = key ? state.fills.get(key) : undefined;
      if (fill === undefined) return noFormula;
      state.fills.delete(key!);
      restored += 1;
      return { ...noFormula, userFill: fill };
    });
    const codeColumnId = table.columnIds[mapping.codeColumn]!;
    let found = 0;
    for (let at = 0; at < kept.length;) {
      let end = at;
      let bytes = 0;
      while (
        end < kept.length &&
        (end === at || bytes + paintPayloadBytes([kept[end]!]) <= REQUEST_BYTES)
      )
        bytes += paintPayloadBytes([kept[end++]!]);
      for (const f of await this.port.paint(
        binding.tableId ?? binding.table,
        codeColumnId,
        kept.slice(at, end),
      )) {
        const key = keyOf(f);
        if (key) state.fills.set(key, f.fill);
        found += 1;
      }
      at = end;
    }
    // The user's fills found under new flags are kept with the state, to be put back; those put back are forgotten.
    if (found || restored) await this.store.save(binding.id, state);
  }

  /**
   * Every flagged cell with the reason on it, as last painted by this pane: on a host without cell
   * notes (ExcelApi 1.18) the pane lists them, with "go to cell", so no reason is lost.
   */
  #flags = new Map<string, Map<string, FlaggedCell>>();
  flags(binding: Binding): FlaggedCell[] {
    return [...(this.#flags.get(binding.id)?.values() ?? [])];
  }

  /** A cell's look and note, remembering which cells carry the add-in's notes. */
  #look(
    binding: Binding,
    state: BindingState,
    key: string,
    paint: Omit<CellPaint, 'note'>,
    note: string | null,
    fallback: string | null = null,
  ): CellPaint {
    if (paint.look === 'pending') state.pending.add(key);
    else state.pending.delete(key);
    const text = note ?? fallback;
    const flags =
      this.#flags.get(binding.id) ?? this.#flags.set(binding.id, new Map()).get(binding.id)!;
    if (text) {
      state.noted.add(key);
      // The flag's symbol first: a flag is never told by its colour alone.
      const shown = paint.look === 'plain' ? text : `${LOOK_SYMBOL[paint.look]} ${text}`;
      flags.set(key, {
        key,
        measure: paint.measure,
        columnId: paint.columnId,
        look: paint.look,
        note: shown,
      });
      return { ...paint, note: shown };
    }
    flags.delete(key);
    if (state.noted.delete(key)) return { ...paint, note: null };
    return paint;
  }
}

/** Whether a binding is the binding of this table: by the table's id, or (bound before ids were kept) by its name. */
function sameTable(b: Binding, table: { id: string; name: string }) {
  return b.tableId ? b.tableId === table.id : b.table === table.name;
}
