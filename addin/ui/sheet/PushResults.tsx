// Every outcome of the last push, the ones that need the planner first: a material change asks
// for its own note; a conflict offers "keep mine" (sent again on the record's current version) or
// "take theirs"; the whole push can be undone while nothing changed since.
import { Badge, Button, Caption1, Subtitle2, Text, Textarea } from '@fluentui/react-components';
import { CELLS_SHOWN, MoreCells, useCellListStyles } from './cellList.js';
import type { PushOutcome, PushReport } from '../../sync/session.js';
import { LOOK_SYMBOL } from '../../workbook/port.js';

const ORDER: Record<PushOutcome['flag'], number> = {
  rejected: 0,
  conflict: 1,
  pending: 2,
  applied: 3,
};
const COLOR = {
  applied: 'success',
  pending: 'warning',
  rejected: 'danger',
  conflict: 'important',
} as const;

export function PushResults({
  report,
  notes,
  onNote,
  onSendNotes,
  onGoTo,
  onKeepMine,
  onTakeTheirs,
  onUndo,
  busy,
}: {
  report: PushReport;
  notes: ReadonlyMap<string, string>;
  onNote: (key: string, note: string) => void;
  onSendNotes: () => void;
  onGoTo: (cell: { measure: string; columnId: number }) => void;
  onKeepMine: (outcomes: PushOutcome[]) => void;
  onTakeTheirs: (keys: string[]) => void;
  onUndo: () => void;
  busy: boolean;
}) {
  const s = useCellListStyles();
  const sorted = [...report.outcomes].sort((a, b) => ORDER[a.flag] - ORDER[b.flag]);
  const needNote = report.outcomes.filter((o) => o.needsNote);
  const conflicts = report.outcomes.filter((o) => o.flag === 'conflict');
  return (
    <section className={s.section} aria-label="Last push">
      <Subtitle2 as="h2">Last push</Subtitle2>
      <Caption1>
        {report.sent} sent: {report.applied} applied, {report.pending} pending approval,{' '}
        {report.rejected} rejected, {report.conflict} in conflict.
      </Caption1>
      {report.othersEdits.length > 0 && (
        <Caption1>
          {report.othersEdits.length} co-author edit(s) not sent: they are theirs to push.
        </Caption1>
      )}
      {report.unseen.length > 0 && (
        <Caption1>
          {report.unseen.length} change(s) found on open not sent: see "Not pushed yet".
        </Caption1>
      )}
      <ul className={s.list} aria-label="Outcomes">
        {sorted.slice(0, CELLS_SHOWN).map((o) => (
          <li key={o.key} className={s.item} aria-label={`${o.address} ${o.flag}`}>
            <div className={s.line}>
              <Badge appearance="tint" color={COLOR[o.flag]}>
                {LOOK_SYMBOL[o.flag]} {o.flag}
              </Badge>
              <Text size={200}>
                {o.address} · {o.measure} · {o.kind} {o.period}: {o.typed}
                {o.flag === 'applied' ? '' : ` (record ${o.value ?? 'empty'})`}
              </Text>
            </div>
            {o.reason && <Caption1>{o.reason}</Caption1>}
            {o.needsNote && (
              <Textarea
                aria-label={`Note for ${o.address}`}
                placeholder="Why, for the controller"
                value={notes.get(o.key) ?? ''}
                onChange={(_, d) => onNote(o.key, d.value)}
              />
            )}
            <div className={s.line}>
              <Button size="small" appearance="subtle" onClick={() => onGoTo(o)}>
                Go to cell
              </Button>
              {o.flag === 'conflict' && (
                <Button size="small" onClick={() => onKeepMine([o])} disabled={busy}>
                  Keep mine
                </Button>
              )}
              {o.flag === 'conflict' && (
                <Button
                  size="small"
                  appearance="subtle"
                  onClick={() => onTakeTheirs([o.key])}
                  disabled={busy}
                >
                  Take theirs
                </Button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <MoreCells count={sorted.length} />
      <div className={s.line}>
        {needNote.length > 0 && (
          <Button
            appearance="primary"
            disabled={busy || needNote.some((o) => !(notes.get(o.key) ?? '').trim())}
            onClick={onSendNotes}
          >
            Send {needNote.length} with notes
          </Button>
        )}
        {conflicts.length > 1 && (
          <Button size="small" onClick={() => onKeepMine(conflicts)} disabled={busy}>
            Keep all mine
          </Button>
        )}
        {conflicts.length > 1 && (
          <Button
            size="small"
            appearance="subtle"
            onClick={() => onTakeTheirs(conflicts.map((c) => c.key))}
            disabled={busy}
          >
            Take all theirs
          </Button>
        )}
        {report.applied > 0 && (
          <Button size="small" appearance="subtle" onClick={onUndo} disabled={busy}>
            Undo last push
          </Button>
        )}
      </div>
    </section>
  );
}
