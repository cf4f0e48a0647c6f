// What waits on the signed-in user: gates, and change requests in a list that sorts and filters
// (by measure, requester, size, age) and decides many at once with one comment. Each request says
// what it changes (before → after, and as a share of the month's target), why it waits on you, the
// note and the cell it came from.
import {
  Body1,
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  makeStyles,
  Select,
  Spinner,
  Subtitle2,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ChangeRequestView, GatecellClient, GateRequestView } from '../../api/client.js';
import { useNotices } from '../notices.js';
import { GateCard } from './GateCard.js';
import { RequestItem } from './RequestItem.js';

type SortKey = 'age' | 'size' | 'measure' | 'requester';

const useStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'end' },
  grow: { flexGrow: 1, minWidth: '120px' },
  list: { display: 'flex', flexDirection: 'column', margin: 0, padding: 0, listStyle: 'none' },
});

/** A request's size: its change as a share of the month's target (or of the old value without one). */
export const sizeOf = (r: ChangeRequestView) => {
  const base = Math.abs((r.kind === 'window' ? null : r.periodTarget) ?? r.oldValue ?? 0);
  return base ? Math.abs(r.value - (r.oldValue ?? 0)) / base : Infinity;
};

export function ApprovalsTab({ client, visible }: { client: GatecellClient; visible: boolean }) {
  const s = useStyles();
  const { guard, show } = useNotices();
  const [changes, setChanges] = useState<ChangeRequestView[] | null>(null);
  const [gates, setGates] = useState<GateRequestView[]>([]);
  const [sort, setSort] = useState<SortKey>('age');
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    () =>
      guard(async () => {
        const [c, g] = await Promise.all([client.changeRequests(), client.gateRequests()]);
        setChanges(c.changeRequests.filter((r) => r.mayDecide));
        setGates(g.gateRequests.filter((r) => r.mayDecide));
        setPicked(new Set());
      }),
    [client, guard],
  );
  useEffect(() => {
    if (visible) void load();
  }, [load, visible]);

  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const found = (changes ?? []).filter(
      (r) =>
        !q ||
        [r.measure, r.title, r.requestedBy?.name, r.note].some((t) => t?.toLowerCase().includes(q)),
    );
    const by: Record<SortKey, (a: ChangeRequestView, b: ChangeRequestView) => number> = {
      age: (a, b) => a.requestedAt.localeCompare(b.requestedAt),
      size: (a, b) => sizeOf(b) - sizeOf(a),
      measure: (a, b) =>
        a.measure.localeCompare(b.measure) || (a.period ?? '').localeCompare(b.period ?? ''),
      requester: (a, b) => (a.requestedBy?.name ?? '').localeCompare(b.requestedBy?.name ?? ''),
    };
    return found.sort(by[sort]);
  }, [changes, filter, sort]);

  if (!changes) return <Spinner size="tiny" label="Loading requests…" />;
  if (!changes.length && !gates.length) return <Body1>Nothing waits on you.</Body1>;

  /** Decides the picked requests one by one; each failure is reported, the rest still decided. */
  const decide = async (approve: boolean) => {
    setBusy(true);
    const ids = shown.filter((r) => picked.has(r.id)).map((r) => r.id);
    const failed: string[] = [];
    for (const id of ids) {
      const ok = await guard(async () => {
        await client.decideChange(id, approve, comment.trim());
        return true;
      });
      if (!ok) failed.push(id);
    }
    setBusy(false);
    setComment('');
    if (!failed.length)
      show({
        intent: 'success',
        title: approve ? 'Approved' : 'Rejected',
        text: `${ids.length} request(s) ${approve ? 'approved: the values are the record' : 'rejected: the approved values stay'}. The planners see it on their cells.`,
      });
    await load();
  };
  const all = shown.length > 0 && shown.every((r) => picked.has(r.id));
  return (
    <section className={s.stack} aria-label="Approvals">
      {gates.map((g) => (
        <GateCard key={g.id} gate={g} client={client} onDecided={load} />
      ))}
      {changes.length > 0 && (
        <>
          <Subtitle2 as="h2">Change requests ({changes.length})</Subtitle2>
          <div className={s.row}>
            <Field label="Filter" className={s.grow}>
              <Input
                value={filter}
                onChange={(_, d) => setFilter(d.value)}
                placeholder="Measure, title, requester, note"
              />
            </Field>
            <Field label="Sort by">
              <Select value={sort} onChange={(_, d) => setSort(d.value as SortKey)}>
                <option value="age">Oldest first</option>
                <option value="size">Largest change first</option>
                <option value="measure">Measure</option>
                <option value="requester">Requester</option>
              </Select>
            </Field>
          </div>
          <Checkbox
            checked={all ? true : picked.size ? 'mixed' : false}
            label={`Select all ${shown.length} shown`}
            onChange={() => setPicked(all ? new Set() : new Set(shown.map((r) => r.id)))}
          />
          <ul className={s.list} aria-label="Change requests">
            {shown.map((r) => (
              <RequestItem
                key={r.id}
                request={r}
                picked={picked.has(r.id)}
                onPick={(on) =>
                  setPicked((p) => {
                    const n = new Set(p);
                    if (on) n.add(r.id);
                    else n.delete(r.id);
                    return n;
                  })
                }
              />
            ))}
          </ul>
          {shown.length === 0 && <Caption1>No request matches the filter.</Caption1>}
          <div className={s.stack} role="group" aria-label="Decide the selected requests">
            <Field
              label={`Comment for the ${picked.size} selected`}
              hint="Needed to reject: the planner sees it on the cell."
            >
              <Textarea value={comment} onChange={(_, d) => setComment(d.value)} />
            </Field>
            <div className={s.row}>
              <Button
                appearance="primary"
                disabled={busy || !picked.size}
                onClick={() => void decide(true)}
              >
                Approve {picked.size || ''}
              </Button>
              <Button
                disabled={busy || !picked.size || !comment.trim()}
                onClick={() => void decide(false)}
              >
                Reject {picked.size || ''}
              </Button>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
