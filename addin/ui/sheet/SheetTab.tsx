// The Sheet tab: the workbook's bindings, and for the chosen one Pull, Push and Refresh, what
// would be sent, what the last push did, and the flags' legend. Every operation goes through the
// session's one queue; edits are counted as they happen (the change event is the hint, the diff decides).
import {
  Button,
  Caption1,
  Card,
  CardHeader,
  Divider,
  Field,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Select,
  Spinner,
  Subtitle2,
  Switch,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import type { Mapping, Proposal } from '../../../shared/sync/mapping.js';
import type { GatecellClient } from '../../api/client.js';
import type {
  PendingList as List,
  PushOutcome,
  PushReport,
  SyncSession,
} from '../../sync/session.js';
import type { Binding, WorkbookPort } from '../../workbook/port.js';
import { useNotices } from '../notices.js';
import { FlagList } from './FlagList.js';
import { Legend } from './Legend.js';
import { MappingEditor } from './MappingEditor.js';
import { PendingList } from './PendingList.js';
import { PushResults } from './PushResults.js';

const REFRESH_MS = 30_000;

const useStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
});

type Me = Awaited<ReturnType<GatecellClient['me']>>;

export function SheetTab({
  port,
  session,
  me,
}: {
  port: WorkbookPort;
  session: SyncSession;
  me: Me;
}) {
  const s = useStyles();
  const { show, guard } = useNotices();
  const [bindings, setBindings] = useState<Binding[]>([]);
  const [active, setActive] = useState<Binding | null>(null);
  const [proposal, setProposal] = useState<{
    table: string;
    proposal: Proposal;
    headers: string[];
    bound: Binding | null;
  } | null>(null);
  const [addRows, setAddRows] = useState(false);
  /** Unpushed edits found when Pull was clicked: the pane asks before overwriting them. */
  const [askPull, setAskPull] = useState<number | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [report, setReport] = useState<PushReport | null>(null);
  const [list, setList] = useState<List | null>(null);
  /** Notes for the controller, one per change. */
  const [notes, setNotes] = useState<Map<string, string>>(new Map());
  const [flags, setFlags] = useState(active ? session.flags(active) : []);

  const reload = useCallback(async () => {
    const found = await port.loadBindings();
    setBindings(found);
    setActive((a) => found.find((b) => b.id === a?.id) ?? found[0] ?? null);
    return found;
  }, [port]);

  // On open: check every bound cell against the record, then keep current while the pane is open.
  useEffect(() => {
    void guard(async () => {
      // A workbook bound elsewhere (a starter workbook) gets its columns' ids first.
      await session.identifyBindings();
      const found = await reload();
      let flagged = 0;
      for (const b of found) flagged += (await session.verify(b)).mismatches;
      if (flagged)
        show({
          intent: 'warning',
          title: 'Not the approved values',
          text: `${flagged} bound cell(s) differ from the record; they are flagged in the sheet.`,
        });
    });
  }, [guard, reload, session, show]);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(
      () => void guard(() => session.refresh(active)).then(() => setFlags(session.flags(active))),
      REFRESH_MS,
    );
    return () => clearInterval(timer);
  }, [active, guard, session]);

  const relist = useCallback(async () => {
    if (!active) return;
    await guard(async () => setList(await session.pendingList(active)));
    setFlags(session.flags(active));
  }, [active, guard, session]);
  // What the planner changed, kept current as they type (debounced): the session's one listener.
  useEffect(() => {
    if (!active) return;
    void relist();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = session.subscribe((edit) => {
      if (edit.table !== (active.tableId ?? active.table)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void relist(), 300);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [active, relist, session]);

  const act = async (label: string, work: () => Promise<void>) => {
    setBusy(label);
    await guard(work);
    setBusy(null);
    setProgress(null);
    await relist();
  };
  const pull = async (keepEdits: boolean) => {
    setAskPull(null);
    const r = await session.pull(active!, { addMissingRows: addRows, keepEdits });
    show({
      intent: 'success',
      title: 'Pulled',
      text: `${r.cells} cells from the record${r.added ? `, ${r.added} rows added` : ''}${r.kept ? `; your ${r.kept} unpushed edit(s) kept` : ''}.${r.readOnlyForYou ? ` ${r.readOnlyForYou} cell(s) are read-only for you by your role (not flagged in the shared workbook): a push of them is refused.` : ''}`,
    });
  };
  const pushed = (r: PushReport, title = 'Pushed') => {
    setReport(r);
    setNotes(new Map());
    const trouble = r.rejected || r.conflict || r.localErrors.length;
    show({ intent: trouble ? 'warning' : 'success', title, text: summary(r) });
  };
  const goTo = (cell: { measure: string; columnId: number }) =>
    void guard(async () => {
      if (!(await session.showCell(active!, cell)))
        show({
          intent: 'warning',
          title: 'Cell not found',
          text: `${cell.measure} is not on exactly one row of the table now.`,
        });
    });
  /** The mapping editor for a table (the selected one by default), prefilled from its binding if it has one. */
  const startBinding = (tableKey?: string) =>
    act('Reading', async () => {
      const { table, proposal: p, bound } = await session.propose(tableKey);
      setProposal({ table: table.name, proposal: p, headers: table.headers, bound });
    });
  const setNote = (key: string, note: string) => setNotes((n) => new Map(n).set(key, note));
  const withNotes = () =>
    new Map([...notes].filter(([, n]) => n.trim()).map(([k, n]) => [k, n.trim()]));

  return (
    <section className={s.stack} aria-label="Sheet">
      {bindings.length > 1 && (
        <Field label="Binding">
          <Select
            value={active?.id ?? ''}
            onChange={(_, d) => setActive(bindings.find((b) => b.id === d.value) ?? null)}
          >
            {bindings.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name} ({b.table})
              </option>
            ))}
          </Select>
        </Field>
      )}
      {active && (
        <Card>
          <CardHeader
            header={<Subtitle2 as="h2">{active.name}</Subtitle2>}
            description={
              <Caption1>
                Table {active.table} · scope {active.scope} · {active.mapping.columns.length}{' '}
                governed columns
              </Caption1>
            }
          />
          <Switch
            label="Add rows for measures missing from the table"
            checked={addRows}
            onChange={(_, d) => setAddRows(d.checked)}
          />
          <div className={s.row}>
            <Button
              appearance="primary"
              disabled={!!busy}
              onClick={() =>
                act('Pushing', async () => {
                  pushed(
                    await session.push(active, withNotes(), (done, total) =>
                      setProgress(done / total),
                    ),
                  );
                })
              }
            >
              Push
            </Button>
            <Button
              disabled={!!busy}
              onClick={() =>
                act('Pulling', async () => {
                  // Unpushed edits are the planner's work: Pull asks before it overwrites them.
                  const waiting = await session.pendingChanges(active);
                  if (waiting.changes > 0) setAskPull(waiting.changes);
                  else await pull(false);
                })
              }
            >
              Pull
            </Button>
            <Button
              appearance="subtle"
              disabled={!!busy}
              onClick={() =>
                act('Refreshing', async () => {
                  const r = await session.refresh(active);
                  show({
                    intent: 'info',
                    title: 'Refreshed',
                    text: r.changed
                      ? `${r.changed} cell(s) changed by others are flagged.`
                      : 'Nothing changed since your last pull.',
                  });
                })
              }
            >
              Refresh
            </Button>
          </div>
          {askPull !== null && (
            <div role="group" aria-label="Unpushed edits">
              <MessageBar intent="warning" layout="multiline">
                <MessageBarBody>
                  <MessageBarTitle>{askPull} change(s) not pushed yet</MessageBarTitle>
                  Pulling would overwrite them with the record.
                </MessageBarBody>
                <MessageBarActions>
                  <Button
                    size="small"
                    appearance="primary"
                    onClick={() => act('Pulling', () => pull(true))}
                  >
                    Keep my edits, pull the rest
                  </Button>
                  <Button size="small" onClick={() => act('Pulling', () => pull(false))}>
                    Discard my edits
                  </Button>
                  <Button size="small" appearance="subtle" onClick={() => setAskPull(null)}>
                    Cancel
                  </Button>
                </MessageBarActions>
              </MessageBar>
            </div>
          )}
          {busy &&
            (progress === null ? (
              <Spinner size="tiny" label={`${busy}…`} />
            ) : (
              <Field
                label={`${busy}…`}
                validationMessage={`${Math.round(progress * 100)} %`}
                validationState="none"
              >
                <ProgressBar value={progress} />
              </Field>
            ))}
          {list && (
            <PendingList
              list={list}
              notes={notes}
              onNote={setNote}
              onGoTo={goTo}
              onRevert={(keys) =>
                act('Reverting', async () => void (await session.revert(active, new Set(keys))))
              }
              onAdopt={(keys) => {
                session.adoptUnseen(active, keys);
                void relist();
              }}
            />
          )}
          {report && (
            <PushResults
              report={report}
              notes={notes}
              onNote={setNote}
              onGoTo={goTo}
              busy={!!busy}
              onSendNotes={() =>
                act('Pushing', async () => pushed(await session.push(active, withNotes())))
              }
              onKeepMine={(os: PushOutcome[]) =>
                act('Pushing', async () =>
                  pushed(
                    await session.keepMine(
                      active,
                      new Map(os.map((o) => [o.key, o.typed])),
                      withNotes(),
                    ),
                    'Sent again on the current version',
                  ),
                )
              }
              onTakeTheirs={(keys) =>
                act('Taking the record', async () => {
                  await session.takeTheirs(active, new Set(keys));
                  setReport({
                    ...report,
                    outcomes: report.outcomes.filter((o) => !keys.includes(o.key)),
                  });
                })
              }
              onUndo={() =>
                act('Undoing', async () =>
                  pushed(await session.undo(active, report), 'Last push undone'),
                )
              }
            />
          )}
          {!port.notes && <FlagList flags={flags} onGoTo={goTo} />}
          <div className={s.row}>
            <Button
              size="small"
              appearance="subtle"
              disabled={!!busy}
              onClick={() => startBinding(active.tableId ?? active.table)}
            >
              Bind again
            </Button>
            <Button
              size="small"
              appearance="subtle"
              disabled={!!busy}
              onClick={() =>
                act('Removing', async () => {
                  await session.removeBinding(active);
                  setReport(null);
                  setList(null);
                  await reload();
                  show({
                    intent: 'info',
                    title: 'Binding removed',
                    text: `${active.name}: the values stay in the sheet; Gatecell's flags and notes are gone.`,
                  });
                })
              }
            >
              Remove binding
            </Button>
          </div>
        </Card>
      )}
      {proposal ? (
        <MappingEditor
          table={proposal.table}
          headers={proposal.headers}
          proposal={proposal.proposal}
          initialName={proposal.bound?.name ?? proposal.table}
          defaultScope={proposal.bound?.scope ?? me.grants[0]?.node ?? ''}
          rebinding={!!proposal.bound}
          onCancel={() => setProposal(null)}
          onConfirm={(name: string, scope: string, mapping: Mapping) =>
            act('Saving', async () => {
              const saved = await session.saveBinding({
                id: proposal.bound?.id ?? crypto.randomUUID(),
                name,
                table: proposal.table,
                mapping,
                scope,
              });
              setProposal(null);
              await reload();
              setActive(saved);
            })
          }
        />
      ) : (
        <div className={s.row}>
          <Button
            appearance={active ? 'secondary' : 'primary'}
            size={active ? 'small' : 'medium'}
            disabled={!!busy}
            onClick={() => startBinding()}
          >
            Bind the selected table
          </Button>
          <Button
            appearance="secondary"
            size={active ? 'small' : 'medium'}
            disabled={!!busy || !(active?.scope ?? me.grants[0]?.node)}
            onClick={() =>
              act('Making the workbook', async () => {
                const scope = (active?.scope ?? me.grants[0]?.node)!;
                await session.newWorkbook(scope);
                show({
                  intent: 'success',
                  title: 'New workbook',
                  text: `A workbook of ${scope}, bound and filled from the record, opened beside this one.`,
                });
              })
            }
          >
            New workbook for this scope
          </Button>
        </div>
      )}
      <Divider />
      <Legend />
    </section>
  );
}

function summary(r: PushReport) {
  const parts = [
    `${r.sent} sent`,
    `${r.applied} applied`,
    `${r.pending} pending approval`,
    `${r.rejected} rejected`,
    `${r.conflict} in conflict`,
  ];
  if (r.localErrors.length) parts.push(`${r.localErrors.length} not sent (see the list)`);
  if (r.othersEdits.length) parts.push(`${r.othersEdits.length} co-author edit(s) left for them`);
  if (r.unseen.length) parts.push(`${r.unseen.length} found on open held until you confirm them`);
  if (r.duplicates.length) parts.push(`codes on several rows: ${r.duplicates.join(', ')}`);
  return `${parts.join(', ')}.`;
}
