// The sync state of each binding (versions of the cells the add-in wrote, its notes, the last
// revision) in the add-in's storage on this computer. If it is missing — another computer, a
// cleared cache — the add-in still never overwrites: unknown cells go as first fills, which the
// service turns into conflicts where the record differs, and the on-open check flags them.
import { snapshotFromJson, snapshotToJson } from '../../shared/sync/cells.js';
import type { BindingState, StateStore } from '../sync/session.js';

const key = (id: string) => `gatecell.state.${id}`;

export class LocalStateStore implements StateStore {
  async load(id: string): Promise<BindingState | null> {
    const raw = localStorage.getItem(key(id));
    if (!raw) return null;
    const saved = JSON.parse(raw) as { snapshot: [string, number | null, number][]; revision: number; noted: string[]; pending?: string[] };
    return { snapshot: snapshotFromJson(saved.snapshot), revision: saved.revision, noted: new Set(saved.noted), pending: new Set(saved.pending ?? []) };
  }
  async save(id: string, state: BindingState) {
    localStorage.setItem(key(id), JSON.stringify({ snapshot: snapshotToJson(state.snapshot), revision: state.revision, noted: [...state.noted], pending: [...(state.pending ?? [])] }));
  }
}
