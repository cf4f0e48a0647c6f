// The add-in's memory of the record: what it last wrote into each bound cell (value and
// version), keyed by measure code, kind and period — never by row position.
import type { CellKind } from '../model.js';

export interface RecordCell {
  value: number | null;
  version: number;
}

export type Snapshot = Map<string, RecordCell>;

export const cellKey = (measure: string, kind: CellKind | string, period: string) =>
  `${measure}\u0001${kind}\u0001${period}`;

export function splitKey(key: string): { measure: string; kind: CellKind; period: string } {
  const [measure, kind, period] = key.split('\u0001') as [string, CellKind, string];
  return { measure, kind, period };
}

/** The plain form of a snapshot: [key, value, version] triples (the reference for the packed form in addin/sync/state.ts). */
export const snapshotToJson = (s: Snapshot) =>
  [...s].map(([k, c]) => [k, c.value, c.version] as const);
export const snapshotFromJson = (
  rows: readonly (readonly [string, number | null, number])[],
): Snapshot => new Map(rows.map(([k, value, version]) => [k, { value, version }]));
