// What Push would send, before it is sent (as Anaplan's "Finding changes"): cells that cannot be
// sent first, then the planner's changes, each with "go to cell", "revert" and its own note; then
// changes found on open that nobody was seen typing (held until the planner says they are theirs)
// and a co-author's edits (never sent under this user's name).
import { Badge, Button, Caption1, Input, Subtitle2, Text } from '@fluentui/react-components';
import { useState } from 'react';
import { CELLS_SHOWN, MoreCells, useCellListStyles } from './cellList.js';
import type { PendingChange, PendingError, PendingList as List } from '../../sync/session.js';
import { LOOK_SYMBOL } from '../../workbook/port.js';

type Where = { measure: string; columnId: number };

export function PendingList({
  list,
  notes,
  onNote,
  onGoTo,
  onRevert,
  onAdopt,
}: {
  list: List;
  notes: ReadonlyMap<string, string>;
  onNote: (key: string, note: string) => void;
  onGoTo: (cell: Where) => void;
  onRevert: (keys: string[]) => void;
  onAdopt: (keys: string[]) => void;
}) {
  const s = useCellListStyles();
  const yours = list.changes.filter((c) => c.origin === 'yours');
  const unseen = list.changes.filter((c) => c.origin === 'unseen');
  const others = list.changes.filter((c) => c.origin === 'co-author');
  if (!list.errors.length && !list.changes.length && !list.duplicates.length) return null;
  return (
    <section className={s.section} aria-label="Not pushed yet">
      <Subtitle2 as="h2">Not pushed yet</Subtitle2>
      <Caption1>
        {yours.length} change(s) to send
        {list.errors.length ? ` · ${list.errors.length} cell(s) that cannot be sent` : ''}
        {unseen.length ? ` · ${unseen.length} found on open` : ''}
        {others.length ? ` · ${others.length} by a co-author` : ''}
      </Caption1>
      {list.duplicates.length > 0 && (
        <Caption1>
          {LOOK_SYMBOL.rejected} Codes on several rows, none of their cells sent:{' '}
          {list.duplicates.join(', ')}.
        </Caption1>
      )}
      {(list.errors.length > 0 || yours.length > 0) && (
        <ul className={s.list} aria-label="Changes to send">
          {list.errors.slice(0, CELLS_SHOWN).map((e) => (
            <ErrorItem key={e.key} e={e} onGoTo={onGoTo} onRevert={onRevert} />
          ))}
          {yours.slice(0, CELLS_SHOWN).map((c) => (
            <ChangeItem
              key={c.key}
              c={c}
              note={notes.get(c.key) ?? ''}
              onNote={onNote}
              onGoTo={onGoTo}
              onRevert={onRevert}
            />
          ))}
        </ul>
      )}
      <MoreCells count={Math.max(list.errors.length, yours.length)} />
      {yours.length > 1 && (
        <Button size="small" appearance="subtle" onClick={() => onRevert(yours.map((c) => c.key))}>
          Revert all {yours.length}
        </Button>
      )}
      {unseen.length > 0 && (
        <div className={s.section} role="group" aria-label="Found on open">
          <Text weight="semibold">Changed while Gatecell was closed</Text>
          <Caption1>
            Nobody was seen typing these (the workbook was edited with the pane closed, here or by a
            co-author). They are sent only once you say they are yours.
          </Caption1>
          <ul className={s.list}>
            {unseen.slice(0, CELLS_SHOWN).map((c) => (
              <ChangeItem key={c.key} c={c} onGoTo={onGoTo} onRevert={onRevert} />
            ))}
          </ul>
          <MoreCells count={unseen.length} />
          <Button size="small" onClick={() => onAdopt(unseen.map((c) => c.key))}>
            These {unseen.length} are mine: send them
          </Button>
        </div>
      )}
      {others.length > 0 && (
        <div className={s.section} role="group" aria-label="A co-author's edits">
          <Text weight="semibold">A co-author's edits</Text>
          <Caption1>
            Made by someone else in this shared workbook: they push their own. Type over a cell to
            make it yours.
          </Caption1>
          <ul className={s.list}>
            {others.slice(0, CELLS_SHOWN).map((c) => (
              <ChangeItem key={c.key} c={c} onGoTo={onGoTo} />
            ))}
          </ul>
          <MoreCells count={others.length} />
        </div>
      )}
    </section>
  );
}

function ErrorItem({
  e,
  onGoTo,
  onRevert,
}: {
  e: PendingError;
  onGoTo: (c: Where) => void;
  onRevert: (keys: string[]) => void;
}) {
  const s = useCellListStyles();
  return (
    <li className={s.item} aria-label={`${e.address} cannot be sent`}>
      <div className={s.line}>
        <Badge appearance="tint" color="danger">
          {LOOK_SYMBOL.rejected} {e.address}
        </Badge>
        <Text className={s.grow} size={200}>
          {e.measure} · {e.kind} {e.period}: {e.message}
        </Text>
      </div>
      <div className={s.line}>
        <Button size="small" appearance="subtle" onClick={() => onGoTo(e)}>
          Go to cell
        </Button>
        <Button size="small" appearance="subtle" onClick={() => onRevert([e.key])}>
          Revert
        </Button>
      </div>
    </li>
  );
}

function ChangeItem({
  c,
  note,
  onNote,
  onGoTo,
  onRevert,
}: {
  c: PendingChange;
  note?: string;
  onNote?: (key: string, note: string) => void;
  onGoTo: (c: Where) => void;
  onRevert?: (keys: string[]) => void;
}) {
  const s = useCellListStyles();
  const [noting, setNoting] = useState(!!note);
  return (
    <li className={s.item} aria-label={`${c.address} ${c.measure} ${c.kind} ${c.period}`}>
      <div className={s.line}>
        <Badge appearance="outline">{c.address}</Badge>
        <Text className={s.grow} size={200}>
          {c.measure} · {c.kind} {c.period}: {c.was ?? '(empty)'} → <strong>{c.value}</strong>
        </Text>
      </div>
      <div className={s.line}>
        <Button size="small" appearance="subtle" onClick={() => onGoTo(c)}>
          Go to cell
        </Button>
        {onRevert && (
          <Button size="small" appearance="subtle" onClick={() => onRevert([c.key])}>
            Revert
          </Button>
        )}
        {onNote && !noting && (
          <Button size="small" appearance="subtle" onClick={() => setNoting(true)}>
            Add a note
          </Button>
        )}
      </div>
      {onNote && noting && (
        <Input
          size="small"
          aria-label={`Note for ${c.address}`}
          placeholder="Why, for the controller"
          value={note}
          onChange={(_, d) => onNote(c.key, d.value)}
        />
      )}
    </li>
  );
}
