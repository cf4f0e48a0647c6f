// The task pane: connect, bind, pull, push, see the measure behind the cell, approve.
import {
  Badge, Body1, Button, Caption1, Card, CardHeader, Checkbox, Divider, Field, Input, makeStyles, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle,
  ProgressBar, Select, Spinner, Subtitle2, Switch, Tab, TabList, Text, Textarea, tokens, Title3,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { nextStage } from '../../shared/domain/gates.js';
import type { Stage } from '../../shared/model.js';
import { buildMapping, choicesFrom, type ColumnChoice, type Mapping, type Proposal } from '../../shared/sync/mapping.js';
import { ApiCallError, type ChangeRequestView, GatecellClient, type GateRequestView, type MeasureView } from '../api/client.js';
import { type PushReport, SyncSession } from '../sync/session.js';
import { WorkbookError } from '../workbook/excel.js';
import type { Binding, WorkbookPort } from '../workbook/port.js';
import { LocalStateStore } from './localState.js';
import { Legend } from './Legend.js';
import { type Connection, loadConnection, saveConnection } from './state.js';

const REFRESH_MS = 30_000;

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, padding: tokens.spacingHorizontalL, minWidth: '300px', maxWidth: '480px', boxSizing: 'border-box' },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  muted: { color: tokens.colorNeutralForeground3 },
});

type Me = Awaited<ReturnType<GatecellClient['me']>>;
interface Notice { intent: 'error' | 'warning' | 'success' | 'info'; title: string; text: string }

function explain(e: unknown): Notice {
  if (e instanceof ApiCallError) return { intent: 'error', title: e.code, text: e.message + (Array.isArray((e.details as { missing?: string[] })?.missing) ? ` Missing: ${(e.details as { missing: string[] }).missing.join('; ')}.` : '') };
  if (e instanceof WorkbookError) return { intent: 'error', title: `Excel: ${e.code}`, text: `${e.message}${e.debugInfo ? ` (${JSON.stringify(e.debugInfo)})` : ''}` };
  return { intent: 'error', title: 'Error', text: e instanceof Error ? e.message : String(e) };
}

export function App({ port, hostNote }: { port: WorkbookPort; hostNote?: string }) {
  const s = useStyles();
  const [connection, setConnection] = useState<Connection | null>(loadConnection());
  const [me, setMe] = useState<Me | null>(null);
  const [notice, setNotice] = useState<Notice | null>(hostNote ? { intent: 'info', title: 'Not inside Excel', text: hostNote } : null);
  const [tab, setTab] = useState<'sheet' | 'measure' | 'approvals'>('sheet');
  const client = useMemo(() => (connection ? new GatecellClient(connection.url, connection.token) : null), [connection]);
  const session = useMemo(() => (client ? new SyncSession(port, client, new LocalStateStore(), { digits: 2, tolerancePct: 10, newKey: () => crypto.randomUUID() }) : null), [client, port]);

  const guard = useCallback(async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (e) {
      setNotice(explain(e));
      return undefined;
    }
  }, []);

  useEffect(() => {
    if (!client) return;
    void guard(async () => setMe(await client.me()));
  }, [client, guard]);

  if (!connection || !me)
    return (
      <main className={s.root}>
        <Title3 as="h1">Gatecell</Title3>
        {notice && <NoticeBar notice={notice} />}
        <ConnectForm
          initial={connection}
          onConnect={async (c) => {
            const probe = new GatecellClient(c.url, c.token);
            const who = await guard(() => probe.me());
            if (!who) return;
            saveConnection(c);
            setConnection(c);
            setMe(who);
            setNotice(null);
          }}
        />
      </main>
    );

  return (
    <main className={s.root}>
      <div className={s.row} style={{ justifyContent: 'space-between' }}>
        <Title3 as="h1">Gatecell</Title3>
        <Button appearance="subtle" size="small" onClick={() => { saveConnection(null); setConnection(null); setMe(null); }}>Sign out</Button>
      </div>
      <Caption1 aria-label="Signed in as">
        {me.user.name} · {me.superAdmin ? 'administrator' : [...new Set(me.grants.map((g) => `${g.role} on ${g.node}`))].join(', ')}
      </Caption1>
      {notice && <NoticeBar notice={notice} onDismiss={() => setNotice(null)} />}
      <TabList selectedValue={tab} onTabSelect={(_, d) => setTab(d.value as typeof tab)}>
        <Tab value="sheet">Sheet</Tab>
        <Tab value="measure">Measure</Tab>
        <Tab value="approvals">Approvals</Tab>
      </TabList>
      {/* All tabs stay mounted: the on-open check runs once and the sheet keeps refreshing on any tab. */}
      <div hidden={tab !== 'sheet'}>{session && <SheetTab port={port} session={session} me={me} guard={guard} setNotice={setNotice} />}</div>
      <div hidden={tab !== 'measure'}>{client && <MeasureTab port={port} client={client} me={me} guard={guard} />}</div>
      <div hidden={tab !== 'approvals'}>{client && <ApprovalsTab client={client} visible={tab === 'approvals'} guard={guard} setNotice={setNotice} />}</div>
    </main>
  );
}

function NoticeBar({ notice, onDismiss }: { notice: Notice; onDismiss?: () => void }) {
  return (
    <MessageBar intent={notice.intent} role="status" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{notice.title}</MessageBarTitle>
        {notice.text}
      </MessageBarBody>
      {onDismiss && <Button appearance="transparent" size="small" onClick={onDismiss}>Dismiss</Button>}
    </MessageBar>
  );
}

function ConnectForm({ initial, onConnect }: { initial: Connection | null; onConnect: (c: Connection) => Promise<void> }) {
  const s = useStyles();
  const [url, setUrl] = useState(initial?.url ?? location.origin);
  const [token, setToken] = useState(initial?.token ?? '');
  const [busy, setBusy] = useState(false);
  return (
    <form className={s.stack} onSubmit={async (e) => { e.preventDefault(); setBusy(true); await onConnect({ url: url.trim(), token: token.trim() }); setBusy(false); }}>
      <Body1>Connect to your Gatecell service once; the token stays in this add-in on this computer, never in the workbook.</Body1>
      <Field label="Service URL" required><Input value={url} onChange={(_, d) => setUrl(d.value)} type="url" /></Field>
      <Field label="Your token" required><Input value={token} onChange={(_, d) => setToken(d.value)} type="password" /></Field>
      <Button appearance="primary" type="submit" disabled={busy || !url || !token}>{busy ? 'Connecting…' : 'Connect'}</Button>
    </form>
  );
}

type Guard = <T>(work: () => Promise<T>) => Promise<T | undefined>;

function SheetTab({ port, session, me, guard, setNotice }: { port: WorkbookPort; session: SyncSession; me: Me; guard: Guard; setNotice: (n: Notice | null) => void }) {
  const s = useStyles();
  const [bindings, setBindings] = useState<Binding[]>([]);
  const [active, setActive] = useState<Binding | null>(null);
  const [proposal, setProposal] = useState<{ table: string; proposal: Proposal; headers: string[] } | null>(null);
  const scope = me.grants[0]?.node ?? '';
  const [addRows, setAddRows] = useState(false);
  /** Unpushed edits found when Pull was clicked: the pane asks before overwriting them. */
  const [askPull, setAskPull] = useState<number | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [report, setReport] = useState<PushReport | null>(null);
  const [note, setNote] = useState('');
  const [unpushed, setUnpushed] = useState<{ changes: number; errors: number } | null>(null);
  const needNote = useRef<string[]>([]);

  const reload = useCallback(async () => {
    const list = await port.loadBindings();
    setBindings(list);
    setActive((a) => list.find((b) => b.id === a?.id) ?? list[0] ?? null);
    return list;
  }, [port]);

  // On open: check every bound cell against the record, then keep current while the pane is open.
  useEffect(() => {
    void guard(async () => {
      const list = await reload();
      let flagged = 0;
      for (const b of list) flagged += (await session.verify(b)).mismatches;
      if (flagged) setNotice({ intent: 'warning', title: 'Not the approved values', text: `${flagged} bound cell(s) differ from the record; they are flagged in the sheet.` });
    });
  }, [guard, reload, session, setNotice]);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void guard(() => session.refresh(active)), REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, guard, session]);
  // Live count of what the planner changed: the edit event is the hint, the diff decides.
  const recount = useCallback(() => (active ? guard(async () => setUnpushed(await session.pendingChanges(active))) : undefined), [active, guard, session]);
  useEffect(() => {
    if (!active) return;
    void recount();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stop: (() => Promise<void>) | undefined;
    void guard(async () => {
      stop = await port.onEdited(() => {
        clearTimeout(timer);
        timer = setTimeout(() => void recount(), 300);
      });
    });
    return () => {
      clearTimeout(timer);
      void stop?.();
    };
  }, [active, guard, port, recount]);

  const act = async (label: string, work: () => Promise<void>) => {
    setBusy(label);
    await guard(work);
    setBusy(null);
    setProgress(null);
    await recount();
  };
  const pull = async (keepEdits: boolean) => {
    setAskPull(null);
    const r = await session.pull(active!, { addMissingRows: addRows, keepEdits });
    setNotice({ intent: 'success', title: 'Pulled', text: `${r.cells} cells from the record${r.added ? `, ${r.added} rows added` : ''}${r.kept ? `; your ${r.kept} unpushed edit(s) kept` : ''}.` });
  };

  return (
    <section className={s.stack} aria-label="Sheet">
      {bindings.length > 0 && (
        <Field label="Binding">
          <div className={s.row} role="radiogroup">
            {bindings.map((b) => (
              <Button key={b.id} size="small" appearance={active?.id === b.id ? 'primary' : 'secondary'} onClick={() => setActive(b)}>{b.name}</Button>
            ))}
          </div>
        </Field>
      )}
      {active && (
        <Card>
          <CardHeader header={<Subtitle2>{active.name}</Subtitle2>} description={<Caption1>Table {active.table} · scope {active.scope} · {active.mapping.columns.length} governed columns</Caption1>} />
          <Switch label="Add rows for measures missing from the table" checked={addRows} onChange={(_, d) => setAddRows(d.checked)} />
          <div className={s.row}>
            <Button appearance="primary" disabled={!!busy} onClick={() => act('Pulling', async () => {
              // Unpushed edits are the planner's work: Pull asks before it overwrites them.
              const waiting = await session.pendingChanges(active);
              if (waiting.changes > 0) setAskPull(waiting.changes);
              else await pull(false);
            })}>Pull</Button>
            <Button disabled={!!busy} onClick={() => act('Pushing', async () => {
              const notes = new Map(needNote.current.map((k) => [k, note.trim()]));
              const r = await session.push(active, note.trim() ? notes : new Map(), (done, total) => setProgress(done / total));
              needNote.current = [];
              setReport(r);
              setNote('');
              setNotice({ intent: r.rejected || r.conflict || r.localErrors.length ? 'warning' : 'success', title: 'Pushed', text: summary(r) });
            })}>Push</Button>
            <Button appearance="subtle" disabled={!!busy} onClick={() => act('Refreshing', async () => {
              const r = await session.refresh(active);
              setNotice({ intent: 'info', title: 'Refreshed', text: r.changed ? `${r.changed} cell(s) changed by others are flagged.` : 'Nothing changed since your last pull.' });
            })}>Refresh</Button>
          </div>
          {askPull !== null && (
            <div role="group" aria-label="Unpushed edits">
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>{askPull} change(s) not pushed yet</MessageBarTitle>
                Pulling would overwrite them with the record.
              </MessageBarBody>
              <MessageBarActions>
                <Button size="small" appearance="primary" onClick={() => act('Pulling', () => pull(true))}>Keep my edits, pull the rest</Button>
                <Button size="small" onClick={() => act('Pulling', () => pull(false))}>Discard my edits</Button>
                <Button size="small" appearance="subtle" onClick={() => setAskPull(null)}>Cancel</Button>
              </MessageBarActions>
            </MessageBar>
            </div>
          )}
          {unpushed && (unpushed.changes > 0 || unpushed.errors > 0) && (
            <Caption1 aria-label="Not pushed yet">
              {unpushed.changes} change(s) not pushed yet{unpushed.errors ? ` · ${unpushed.errors} cell(s) that cannot be sent` : ''}
            </Caption1>
          )}
          {busy && (progress === null ? <Spinner size="tiny" label={`${busy}…`} /> : <Field label={`${busy}…`} validationMessage={`${Math.round(progress * 100)} %`} validationState="none"><ProgressBar value={progress} /></Field>)}
          {report && report.needNote.length > 0 && (
            <Field label={`${report.needNote.length} material change(s) need a note for the controller`} hint="Your typed values are still in the sheet: write why, then push again.">
              <Textarea value={note} onChange={(_, d) => { setNote(d.value); needNote.current = report.needNote; }} />
            </Field>
          )}
        </Card>
      )}
      {proposal ? (
        <MappingEditor
          table={proposal.table}
          headers={proposal.headers}
          proposal={proposal.proposal}
          defaultScope={scope}
          onCancel={() => setProposal(null)}
          onConfirm={(name, scope, mapping) => act('Saving', async () => {
            const binding: Binding = { id: crypto.randomUUID(), name, table: proposal.table, mapping, scope };
            const saved = await session.saveBinding(binding);
            setProposal(null);
            await reload();
            setActive(saved);
          })}
        />
      ) : (
        <Button disabled={!!busy} onClick={() => act('Reading', async () => {
          const { table, proposal: p } = await session.propose();
          setProposal({ table: table.name, proposal: p, headers: table.headers });
        })}>Bind the selected table</Button>
      )}
      <Divider />
      <Legend />
    </section>
  );
}

const KINDS = ['baseline', 'target', 'forecast', 'actual'] as const;

/** The proposed mapping, which the planner confirms or edits before it is saved. */
function MappingEditor({ table, headers, proposal, defaultScope, onCancel, onConfirm }: {
  table: string; headers: string[]; proposal: Proposal; defaultScope: string;
  onCancel: () => void; onConfirm: (name: string, scope: string, mapping: Mapping) => void;
}) {
  const s = useStyles();
  const [name, setName] = useState(table);
  const [scope, setScope] = useState(defaultScope);
  const [codeColumn, setCodeColumn] = useState(proposal.mapping?.codeColumn ?? -1);
  const [choices, setChoices] = useState<ColumnChoice[]>(() => choicesFrom(headers, proposal));
  const built = buildMapping(headers, codeColumn, choices);
  const change = (column: number, patch: Partial<ColumnChoice>) => setChoices((cs) => cs.map((c) => (c.column === column ? { ...c, ...patch } : c)));
  return (
    <Card>
      <CardHeader header={<Subtitle2>Bind table {table}</Subtitle2>} description={<Caption1>Check the proposed mapping; change what is wrong.</Caption1>} />
      <Field label="Measure codes are in">
        <Select value={String(codeColumn)} onChange={(_, d) => setCodeColumn(Number(d.value))}>
          <option value="-1">Choose a column</option>
          {headers.map((h, i) => <option key={i} value={i}>{h}</option>)}
        </Select>
      </Field>
      <div className={s.stack} aria-label="Proposed mapping">
        {choices.filter((c) => c.column !== codeColumn).map((c) => (
          <div key={c.column}>
            <Checkbox checked={c.bound} onChange={(_, d) => change(c.column, { bound: !!d.checked })} label={headers[c.column]} />
            {c.bound && (
              <div className={s.row} style={{ paddingLeft: '32px' }}>
                <Select size="small" aria-label={`Kind of ${headers[c.column]}`} value={c.kind} onChange={(_, d) => change(c.column, { kind: d.value as ColumnChoice['kind'] })}>
                  {KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
                </Select>
                <Input size="small" aria-label={`Month of ${headers[c.column]}`} value={c.period} style={{ width: '96px' }} onChange={(_, d) => change(c.column, { period: d.value })} />
              </div>
            )}
          </div>
        ))}
      </div>
      {built.problems.map((p) => <Caption1 key={p} className={s.muted}>{p}</Caption1>)}
      <Field label="Binding name" required><Input value={name} onChange={(_, d) => setName(d.value)} /></Field>
      <Field label="Scope (node code)" required hint="The organization, portfolio, program, project or package whose measures this table holds."><Input value={scope} onChange={(_, d) => setScope(d.value)} /></Field>
      <div className={s.row}>
        <Button appearance="primary" disabled={!built.mapping || !name.trim() || !scope.trim()} onClick={() => onConfirm(name.trim(), scope.trim(), built.mapping!)}>Confirm binding</Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </Card>
  );
}

function summary(r: PushReport) {
  const parts = [`${r.sent} sent`, `${r.applied} applied`, `${r.pending} pending approval`, `${r.rejected} rejected`, `${r.conflict} in conflict`];
  if (r.localErrors.length) parts.push(`${r.localErrors.length} not sent (see the cell notes)`);
  if (r.duplicates.length) parts.push(`codes on several rows: ${r.duplicates.join(', ')}`);
  return `${parts.join(', ')}.`;
}

function MeasureTab({ port, client, me, guard }: { port: WorkbookPort; client: GatecellClient; me: Me; guard: Guard }) {
  const s = useStyles();
  const [measure, setMeasure] = useState<MeasureView | null>(null);
  const [history, setHistory] = useState<Awaited<ReturnType<GatecellClient['audit']>>['events']>([]);
  const [missing, setMissing] = useState<string[]>([]);
  useEffect(() => {
    let stop: (() => Promise<void>) | undefined;
    void guard(async () => {
      stop = await port.onSelection(async (sel) => {
        if (!sel) return;
        const bindings = await port.loadBindings();
        const binding = bindings.find((b) => b.table === sel.table);
        if (!binding) return;
        const table = await port.readTable(sel.table);
        const code = String(table.rows[sel.row]?.[binding.mapping.codeColumn] ?? '').trim();
        if (!code) return;
        const [m, audit] = await Promise.all([client.measure(code), client.audit(code)]);
        setMeasure(m);
        setHistory(audit.events.slice(-8).reverse());
        setMissing([]);
      });
    });
    return () => void stop?.();
  }, [client, guard, port]);
  if (!measure) return <Body1>Select a cell in a bound row to see its measure.</Body1>;
  // The next gate by the model's own order: none for a closed or cancelled measure.
  const next = nextStage(measure.stage as Stage);
  return (
    <section className={s.stack} aria-label="Measure">
      <Subtitle2>{measure.code} · {measure.title}</Subtitle2>
      <div className={s.row}>
        <Badge appearance="filled" color="brand">{measure.stage}{measure.doi ? ` (DoI ${measure.doi})` : ''}</Badge>
        {measure.onHold && <Badge color="warning">on hold</Badge>}
      </div>
      <div className={s.row} aria-label="Dual status">
        <Text>Implementation</Text><StatusBadge status={measure.implementationStatus} />
        <Text>Potential</Text><StatusBadge status={measure.potentialStatus} />
      </div>
      <Caption1>Owner {measure.owner?.name ?? '—'} · Sponsor {measure.sponsor?.name ?? '—'} · Controller {measure.controller?.name ?? '—'}</Caption1>
      <Caption1>Target {measure.figures.target.toLocaleString()} · Forecast {measure.figures.forecast.toLocaleString()} · Actual {measure.figures.actual.toLocaleString()} {measure.currency}</Caption1>
      <Subtitle2>Milestones</Subtitle2>
      {measure.milestones.length ? measure.milestones.map((m) => <Caption1 key={m.id}>{m.done ? '✓' : '○'} {m.title} · due {m.due}</Caption1>) : <Caption1 className={s.muted}>None yet.</Caption1>}
      <Subtitle2>Open requests</Subtitle2>
      {measure.openRequests.changeRequests.map((r) => <Caption1 key={r.id}>{r.kind} {r.period}: {r.oldValue ?? '—'} → {r.value} (waits on {r.waitingOn?.user?.name ?? r.waitingOn?.role})</Caption1>)}
      {measure.openRequests.gateRequest && <Caption1>Gate to {measure.openRequests.gateRequest.to} waits on {measure.openRequests.gateRequest.waitingOn?.user?.name ?? measure.openRequests.gateRequest.waitingOn?.role}</Caption1>}
      {!measure.openRequests.changeRequests.length && !measure.openRequests.gateRequest && <Caption1 className={s.muted}>None.</Caption1>}
      {measure.owner?.id === me.user.id && next && !measure.openRequests.gateRequest && (
        <Button onClick={async () => {
          try {
            await client.requestGate(measure.code, next, `Ready for ${next}`);
            setMeasure(await client.measure(measure.code));
          } catch (e) {
            const details = (e as ApiCallError).details as { missing?: string[] } | undefined;
            if (details?.missing) setMissing(details.missing);
            else await guard(() => Promise.reject(e));
          }
        }}>Request gate to {next}</Button>
      )}
      {missing.length > 0 && <MessageBar intent="warning" layout="multiline"><MessageBarBody><MessageBarTitle>Not yet</MessageBarTitle>Missing: {missing.join('; ')}.</MessageBarBody></MessageBar>}
      <Subtitle2>Recent history</Subtitle2>
      {history.map((e) => <Caption1 key={e.seq}>{e.at.slice(0, 16).replace('T', ' ')} · {describe(e)} · {e.actorName}</Caption1>)}
    </section>
  );
}

type AuditEvent = Awaited<ReturnType<GatecellClient['audit']>>['events'][number];

/** An audit event in a planner's words. */
function describe(e: AuditEvent): string {
  const before = e.before as Record<string, unknown> | null;
  const after = e.after as Record<string, unknown> | null;
  switch (e.action) {
    case 'cell.changed': return `${e.subject}: ${before?.value ?? '—'} → ${after?.value}${after?.note ? ` (“${after.note}”)` : ''}`;
    case 'change_request.opened': return `change requested: ${before?.kind} ${before?.period} ${before?.value ?? '—'} → ${after?.value}`;
    case 'change_request.approved': return `change approved${after?.comment ? `: “${after.comment}”` : ''}`;
    case 'change_request.rejected': return `change rejected: “${after?.comment}”`;
    case 'change_request.withdrawn': return `change withdrawn (${after?.reason})`;
    case 'gate.requested': return `gate to ${after?.to} requested`;
    case 'gate.approved': return `moved to ${after?.stage}${after?.comment ? `: “${after.comment}”` : ''}`;
    case 'gate.rejected': return `gate refused: “${after?.comment}”`;
    case 'measure.created': return 'measure created';
    case 'measure.held': return `put on hold: “${after?.reason}”`;
    case 'measure.resumed': return `resumed: “${after?.reason}”`;
    default: return e.action.replace(/[._]/g, ' ');
  }
}

function StatusBadge({ status }: { status: string }) {
  const color = status === 'on_track' || status === 'completed' ? 'success' : status === 'at_risk' ? 'warning' : 'danger';
  return <Badge appearance="tint" color={color}>{status.replace('_', ' ')}</Badge>;
}

function ApprovalsTab({ client, visible, guard, setNotice }: { client: GatecellClient; visible: boolean; guard: Guard; setNotice: (n: Notice | null) => void }) {
  const s = useStyles();
  const [changes, setChanges] = useState<ChangeRequestView[] | null>(null);
  const [gates, setGates] = useState<GateRequestView[]>([]);
  const [comments, setComments] = useState<Record<string, string>>({});
  const load = useCallback(() => guard(async () => {
    const [c, g] = await Promise.all([client.changeRequests(), client.gateRequests()]);
    setChanges(c.changeRequests.filter((r) => r.mayDecide));
    setGates(g.gateRequests.filter((r) => r.mayDecide));
  }), [client, guard]);
  useEffect(() => {
    if (visible) void load();
  }, [load, visible]);
  if (!changes) return <Spinner size="tiny" label="Loading requests…" />;
  if (!changes.length && !gates.length) return <Body1>Nothing waits on you.</Body1>;
  const decide = (work: () => Promise<unknown>, done: Notice) => guard(async () => {
    await work();
    setNotice(done);
    await load();
  });
  const comment = (id: string) => (
    <Field label="Comment"><Input value={comments[id] ?? ''} onChange={(_, d) => setComments((c) => ({ ...c, [id]: d.value }))} /></Field>
  );
  return (
    <section className={s.stack} aria-label="Approvals">
      {gates.map((g) => (
        <Card key={g.id} aria-label={`Gate ${g.measure} to ${g.to}`}>
          <CardHeader header={<Subtitle2>{g.measure} · gate to {g.to}</Subtitle2>} description={<Caption1>{g.title} · from {g.from} · {g.requestedBy?.name} · {g.requestedAt.slice(0, 10)}</Caption1>} />
          {g.comment && <Body1>“{g.comment}”</Body1>}
          {comment(g.id)}
          <div className={s.row}>
            <Button appearance="primary" onClick={() => decide(() => client.decideGate(g.id, true, comments[g.id] ?? ''), { intent: 'success', title: 'Gate approved', text: `${g.measure} is now ${g.to}.` })}>Approve</Button>
            <Button onClick={() => decide(() => client.decideGate(g.id, false, comments[g.id] ?? ''), { intent: 'info', title: 'Gate refused', text: `${g.measure} stays ${g.from}.` })}>Reject</Button>
          </div>
        </Card>
      ))}
      {changes.map((r) => (
        <Card key={r.id} aria-label={`Request ${r.measure} ${r.kind} ${r.period ?? ''}`}>
          <CardHeader
            header={<Subtitle2>{r.measure} · {r.window ? `window ${r.window.from.startPeriod}…${r.window.from.endPeriod} → ${r.window.to.startPeriod}…${r.window.to.endPeriod}` : `${r.kind} ${r.period}`}</Subtitle2>}
            description={<Caption1>{r.window ? 'committed target ' : ''}{r.oldValue ?? '—'} → {r.value} · {r.requestedBy?.name} · {r.source?.workbook ?? ''} {r.source?.sheet ? `${r.source.sheet}!` : ''}{r.source?.cell ?? ''}</Caption1>} />
          {r.note && <Body1>“{r.note}”</Body1>}
          {comment(r.id)}
          <div className={s.row}>
            <Button appearance="primary" onClick={() => decide(() => client.decideChange(r.id, true, comments[r.id] ?? ''), { intent: 'success', title: 'Approved', text: r.window ? `${r.measure}'s window is now ${r.window.to.startPeriod}…${r.window.to.endPeriod}.` : `${r.measure} ${r.kind} ${r.period} is now ${r.value}.` })}>Approve</Button>
            <Button onClick={() => decide(() => client.decideChange(r.id, false, comments[r.id] ?? ''), { intent: 'info', title: 'Rejected', text: r.window ? `${r.measure} keeps its window.` : `${r.measure} ${r.kind} ${r.period} keeps its approved value.` })}>Reject</Button>
          </div>
        </Card>
      ))}
    </section>
  );
}
