// What the trail says the record holds: each cell's last audit event (its value, version and seq),
// built in one pass over the trail in the trail's own order and then held against the stored
// cells. A program of 25,000 measures has 2.4 million cells, so no cell gets a string, array,
// object or Map entry of its own: cells are grouped by measure and kind, each group a run of
// months (its `slots`, an index per month), and a cell's facts are one slot in three typed
// arrays. Subjects ("forecast 2027-03"), which events and stored rows both name, are read
// through the sync codec's cell key (kind and month, `cellKey`). A subject no key expresses, or
// a month absurdly far from its group's (a tampered trail or record), is kept apart by its text.
import { KIND_INDEX, PERIODS_PER_KIND, cellKey, keyKind, keyPeriod } from '../sync/store.js';
import type { CellKind } from '../../../shared/model.js';

/** Where a subject ("forecast 2027-03") lies within its measure, or -1 when no cell key does. */
export function subjectKey(subject: string): number {
  const space = subject.indexOf(' ');
  const kind = subject.slice(0, space);
  if (space < 0 || !Object.hasOwn(KIND_INDEX, kind)) return -1;
  return cellKey(kind as CellKind, subject.slice(space + 1));
}

/** Subjects met, with their cell key: a program has a few hundred distinct ones. */
const SUBJECTS_KEPT = 100_000;
/** The most months one group spans (a century); a cell beyond is kept by its text. */
const MAX_SPAN = 1200;
/** Months a group first holds: a year, grown as its months come. */
const GROUP_START = 12;
const KINDS = Object.keys(KIND_INDEX).length;
const NO_SLOT = -1;

/** One measure's cells of one kind: slot of month `first + i` at `slots[i]` (NO_SLOT: none). */
interface Group {
  first: number;
  slots: Int32Array;
}

/** A cell's last event as `take` finds it. */
export interface LastEvent {
  value: unknown;
  version: number;
}

interface Apart extends LastEvent {
  seq: number;
}

export class ReplayedCells {
  /** By measure id × KINDS + kind index. */
  readonly #groups = new Map<number, Group>();
  #size = 0;
  /** The event's value in major units; NaN when it is null or not a number (then in #odd). */
  #values: Float64Array;
  #versions: Int32Array;
  /** The seq of the event kept; -1 once a stored row took the cell. */
  #seqs: Float64Array;
  readonly #odd = new Map<number, unknown>();
  /** Cells kept by their text, `${measure id} ${subject}`. */
  readonly #apart = new Map<string, Apart>();
  readonly #subjects = new Map<string, number>();
  // A segment's events, and a range's cells, come measure by measure, mostly kind by kind.
  #groupKey = Number.NaN;
  #group: Group | undefined;
  readonly #last: LastEvent = { value: null, version: 0 };

  /**
   * `cells`: how many the record holds, so that the slots are made once at about their size
   * (grown by half when events name more): growing 2.4 million slots holds the old arrays and
   * the new at once, about 100 MB.
   */
  constructor(cells = 0) {
    const size = Math.max(1024, Math.ceil(cells * 1.05));
    this.#values = new Float64Array(size);
    this.#versions = new Int32Array(size);
    this.#seqs = new Float64Array(size);
  }

  #key(subject: string): number {
    let key = this.#subjects.get(subject);
    if (key === undefined) {
      key = subjectKey(subject);
      if (this.#subjects.size < SUBJECTS_KEPT) this.#subjects.set(subject, key);
    }
    return key;
  }

  #groupOf(measureId: number, kind: number): Group | undefined {
    const at = measureId * KINDS + kind;
    if (at !== this.#groupKey) {
      this.#groupKey = at;
      this.#group = this.#groups.get(at);
    }
    return this.#group;
  }

  /** The slot of a cell, made if `make`; undefined when it has none (or lies too far out). */
  #slot(measureId: number, key: number, make: boolean): number | undefined {
    const kind = Math.floor(key / PERIODS_PER_KIND);
    const month = key - kind * PERIODS_PER_KIND;
    let group = this.#groupOf(measureId, kind);
    if (!group) {
      if (!make) return undefined;
      group = { first: month, slots: new Int32Array(GROUP_START).fill(NO_SLOT) };
      this.#groups.set(measureId * KINDS + kind, group);
      this.#group = group;
    }
    let i = month - group.first;
    if (i < 0 || i >= group.slots.length) {
      if (!make) return undefined;
      // Grown by at least its length, toward the month: a window's months come one by one.
      const end = group.first + group.slots.length;
      const by = group.slots.length;
      let first =
        month < group.first ? Math.max(0, Math.min(month, group.first - by)) : group.first;
      let last = month >= end ? Math.max(month + 1, end + by) : end;
      if (last - first > MAX_SPAN)
        [first, last] = [Math.min(month, group.first), Math.max(month + 1, end)];
      if (last - first > MAX_SPAN) return undefined;
      const slots = new Int32Array(last - first).fill(NO_SLOT);
      slots.set(group.slots, group.first - first);
      group.first = first;
      group.slots = slots;
      i = month - first;
    }
    let slot = group.slots[i]!;
    if (slot === NO_SLOT && make) {
      slot = group.slots[i] = this.#size++;
      if (slot === this.#seqs.length) this.#grow();
      this.#seqs[slot] = 0;
    }
    return slot === NO_SLOT ? undefined : slot;
  }

  /** Keeps an event's after-state if no later event of the cell was met (the trail's seq). */
  record(measureId: number, subject: string, seq: number, value: unknown, version: number) {
    const key = this.#key(subject);
    const slot = key < 0 ? undefined : this.#slot(measureId, key, true);
    if (slot === undefined) {
      const name = `${measureId} ${subject}`;
      const had = this.#apart.get(name);
      if (!had || had.seq < seq) this.#apart.set(name, { seq, value, version });
      return;
    }
    if (this.#seqs[slot]! > seq) return;
    this.#seqs[slot] = seq;
    this.#versions[slot] = version;
    if (typeof value === 'number') this.#values[slot] = value;
    else {
      this.#values[slot] = Number.NaN;
      if (value === null) this.#odd.delete(slot);
      else this.#odd.set(slot, value);
    }
  }

  #grow() {
    const size = Math.ceil(this.#seqs.length * 1.5);
    const grown = <A extends Float64Array | Int32Array>(a: A, b: A) => {
      b.set(a);
      return b;
    };
    this.#values = grown(this.#values, new Float64Array(size));
    this.#versions = grown(this.#versions, new Int32Array(size));
    this.#seqs = grown(this.#seqs, new Float64Array(size));
  }

  /**
   * The last event of a stored cell, marking the cell met; undefined when no event wrote it, or
   * when a stored row of the same cell was met before. The answer is reused by the next call.
   */
  take(measureId: number, subject: string): LastEvent | undefined {
    const key = this.#key(subject);
    const slot = key < 0 ? undefined : this.#slot(measureId, key, false);
    if (slot === undefined) {
      const name = `${measureId} ${subject}`;
      const last = this.#apart.get(name);
      this.#apart.delete(name);
      return last;
    }
    if (this.#seqs[slot]! < 0) return undefined;
    this.#seqs[slot] = -1;
    const value = this.#values[slot]!;
    this.#last.value = Number.isNaN(value) ? (this.#odd.get(slot) ?? null) : value;
    this.#last.version = this.#versions[slot]!;
    return this.#last;
  }

  /** The cells events wrote that no stored row was met for: [measure id, subject]. */
  *untaken(): Generator<[number, string]> {
    for (const [at, group] of this.#groups) {
      const kind = at % KINDS;
      const measureId = (at - kind) / KINDS;
      for (let i = 0; i < group.slots.length; i++) {
        const slot = group.slots[i]!;
        if (slot !== NO_SLOT && this.#seqs[slot]! >= 0) {
          const key = kind * PERIODS_PER_KIND + group.first + i;
          yield [measureId, `${keyKind(key)} ${keyPeriod(key)}`];
        }
      }
    }
    for (const name of this.#apart.keys()) {
      const space = name.indexOf(' ');
      yield [Number(name.slice(0, space)), name.slice(space + 1)];
    }
  }
}
