// What the add-in keeps about a binding — the value and version it last wrote into each bound
// cell, the cells carrying its notes or waiting for approval, the last revision — and where it
// keeps it: inside the workbook (a custom XML part per binding), so that it travels with the file.
// A copy closed unsaved, restored, or mailed to a colleague carries the versions of its own values:
// what it sends is judged against what it was typed on (a conflict where the record moved since),
// never applied over colleagues' changes with someone else's versions. No browser quota applies.
import {
  cellKey,
  type Snapshot,
  snapshotFromJson,
  snapshotToJson,
} from '../../shared/sync/cells.js';
import type { WorkbookPort } from '../workbook/port.js';

export interface BindingState {
  snapshot: Snapshot;
  revision: number;
  /** Cells the add-in put a note on, so it can take them off when the cause is gone. */
  noted: Set<string>;
  /** Cells flagged pending approval: they stay flagged until their request is decided. */
  pending: Set<string>;
  /**
   * Cells whose record value was saved here but not yet confirmed written into the sheet: the
   * state is saved before painting, so a failed write leaves these, never trusted or sent.
   */
  unconfirmed: Set<string>;
  /** The user's own fill of each cell the add-in flagged over it: put back when the flag goes. */
  fills: Map<string, string>;
}

export interface StateStore {
  load(bindingId: string): Promise<BindingState | null>;
  /** Saved before anything is painted: a failed write to the sheet never loses an applied version. */
  save(bindingId: string, state: BindingState): Promise<void>;
  remove(bindingId: string): Promise<void>;
}

export const emptyState = (): BindingState => ({
  snapshot: new Map(),
  revision: 0,
  noted: new Set(),
  pending: new Set(),
  unconfirmed: new Set(),
  fills: new Map(),
});

/**
 * The packed form of a BindingState: each measure code and each (kind, period) slot written once,
 * cells as one flat array of [measure index, slot index, value, version] — a quarter of the plain
 * form's size, so a 10,000 × 24 binding (240,000 cells, about 3.5 MB) fits the file comfortably.
 *
 * Worked example. The state
 *   snapshot { M-1·forecast·2027-03 → 104 v3, M-2·forecast·2027-03 → empty v0, M-2·target·2027-04 → 90 v1 }
 *   revision 42, noted { M-1·forecast·2027-03 }, pending { }, unconfirmed { M-2·target·2027-04 },
 *   fills { M-1·forecast·2027-03 → #FFFF00 }
 * packs as
 *   {"v":1,"revision":42,"measures":["M-1","M-2"],"slots":[["forecast","2027-03"],["target","2027-04"]],
 *    "cells":[0,0,104,3, 1,0,null,0, 1,1,90,1],"noted":[0,0],"pending":[],"unconfirmed":[1,1],"fills":[0,0,"#FFFF00"]}
 * JSON escapes every control character, so the text is safe inside XML once & < > are escaped.
 */
export interface PackedState {
  v: 1;
  revision: number;
  measures: string[];
  slots: [string, string][];
  cells: (number | null)[];
  noted: number[];
  pending: number[];
  /** Absent in states saved before it existed: none. */
  unconfirmed?: number[];
  /** [measure index, slot index, "#RRGGBB"] triples; absent: none. */
  fills?: (number | string)[];
}

export function packState(state: BindingState): PackedState {
  const measures = new Map<string, number>();
  const slots = new Map<string, number>();
  const at: [number, number] = [0, 0];
  // A key is measure·kind·period: cut once at the second-last separator (no array per key; a
  // 240,000-cell state packs in a fraction of the time splitKey would take).
  const index = (key: string): [number, number] => {
    const cut = key.lastIndexOf('\u0001', key.lastIndexOf('\u0001') - 1);
    const measure = key.slice(0, cut);
    const slot = key.slice(cut + 1);
    let m = measures.get(measure);
    if (m === undefined) measures.set(measure, (m = measures.size));
    let k = slots.get(slot);
    if (k === undefined) slots.set(slot, (k = slots.size));
    at[0] = m;
    at[1] = k;
    return at;
  };
  const cells: (number | null)[] = [];
  for (const [key, c] of state.snapshot) {
    const [m, k] = index(key);
    cells.push(m, k, c.value, c.version);
  }
  const flat = (keys: Set<string>) => {
    const out: number[] = [];
    for (const key of keys) {
      const [m, k] = index(key);
      out.push(m, k);
    }
    return out;
  };
  const noted = flat(state.noted);
  const pending = flat(state.pending);
  const unconfirmed = flat(state.unconfirmed);
  const fills: (number | string)[] = [];
  for (const [key, fill] of state.fills) {
    const [m, k] = index(key);
    fills.push(m, k, fill);
  }
  return {
    v: 1,
    revision: state.revision,
    measures: [...measures.keys()],
    slots: [...slots.keys()].map((s) => s.split('\u0001') as [string, string]),
    cells,
    noted,
    pending,
    unconfirmed,
    fills,
  };
}

export function unpackState(p: PackedState): BindingState {
  if (p.v !== 1)
    throw new Error(
      `This workbook's Gatecell state is of a newer version (${p.v}): update the add-in.`,
    );
  const key = (m: number, s: number) => cellKey(p.measures[m]!, p.slots[s]![0], p.slots[s]![1]);
  const snapshot: Snapshot = new Map();
  for (let i = 0; i < p.cells.length; i += 4)
    snapshot.set(key(p.cells[i]!, p.cells[i + 1]!), {
      value: p.cells[i + 2] ?? null,
      version: p.cells[i + 3]!,
    });
  const keys = (flat: number[]) => {
    const set = new Set<string>();
    for (let i = 0; i < flat.length; i += 2) set.add(key(flat[i]!, flat[i + 1]!));
    return set;
  };
  const fills = new Map<string, string>();
  const f = p.fills ?? [];
  for (let i = 0; i < f.length; i += 3)
    fills.set(key(f[i] as number, f[i + 1] as number), f[i + 2] as string);
  return {
    snapshot,
    revision: p.revision,
    noted: keys(p.noted),
    pending: keys(p.pending),
    unconfirmed: keys(p.unconfirmed ?? []),
    fills,
  };
}

/** The plain form, kept as the reference the packed one is tested against. */
export const plainState = (s: BindingState) => ({
  snapshot: snapshotToJson(s.snapshot),
  revision: s.revision,
  noted: [...s.noted],
  pending: [...s.pending],
  unconfirmed: [...s.unconfirmed],
  fills: [...s.fills],
});
export const fromPlainState = (p: ReturnType<typeof plainState>): BindingState => ({
  snapshot: snapshotFromJson(p.snapshot),
  revision: p.revision,
  noted: new Set(p.noted),
  pending: new Set(p.pending),
  unconfirmed: new Set(p.unconfirmed),
  fills: new Map(p.fills),
});

/** The state of each binding in its workbook, through the port. */
export class WorkbookStateStore implements StateStore {
  constructor(readonly port: WorkbookPort) {}
  async load(id: string) {
    const text = await this.port.loadState(id);
    return text ? unpackState(JSON.parse(text) as PackedState) : null;
  }
  save(id: string, state: BindingState) {
    return this.port.saveState(id, JSON.stringify(packState(state)));
  }
  remove(id: string) {
    return this.port.saveState(id, null);
  }
}
