// The measure behind the selected cell: stage and both statuses, people, figures and variance,
// milestones (ticked by the owner or a planner), risks, exceptions, open requests, the decision
// history, and what the signed-in user may do — request the next gate with a comment, request
// cancellation, hold or resume. Offered by the service's own policies (`may`), decided by it.
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Checkbox,
  Field,
  makeStyles,
  Subtitle2,
  Text,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { nextStage } from '../../../shared/domain/gates.js';
import type { Stage } from '../../../shared/model.js';
import type { AuditEvent, ExceptionView, GatecellClient, MeasureView } from '../../api/client.js';
import type { SyncSession } from '../../sync/session.js';
import type { WorkbookPort } from '../../workbook/port.js';
import { useNotices } from '../notices.js';
import { describeWaiting } from '../waiting.js';
import { describeEvent } from './history.js';
import { StatusBadge } from './StatusBadge.js';

const useStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  list: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
  muted: { color: tokens.colorNeutralForeground3 },
  figures: {
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    columnGap: tokens.spacingHorizontalM,
    margin: 0,
  },
});

export function MeasureTab({
  port,
  session,
  client,
}: {
  port: WorkbookPort;
  session: SyncSession | null;
  client: GatecellClient;
}) {
  const s = useStyles();
  const { guard, show } = useNotices();
  const [measure, setMeasure] = useState<MeasureView | null>(null);
  const [history, setHistory] = useState<AuditEvent[]>([]);
  const [exceptions, setExceptions] = useState<ExceptionView[]>([]);
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState<string[]>([]);

  const load = useCallback(
    async (code: string) => {
      const [m, audit, ex] = await Promise.all([
        client.measure(code),
        client.audit(code, 12),
        client.exceptions(code),
      ]);
      setMeasure(m);
      setHistory(audit.events);
      setExceptions(ex.exceptions);
      setMissing([]);
    },
    [client],
  );

  useEffect(() => {
    let stop: (() => Promise<void>) | undefined;
    void guard(async () => {
      stop = await port.onSelection(
        (sel) =>
          void guard(async () => {
            const code = sel && session ? await session.measureAt(sel) : null;
            if (code) await load(code);
          }),
      );
    });
    return () => void stop?.();
  }, [guard, load, port, session]);

  if (!measure) return <Body1>Select a cell in a bound row to see its measure.</Body1>;
  // The next gate by the model's own order: none for a closed or cancelled measure.
  const next = nextStage(measure.stage as Stage);
  const gate = (to: Stage, done: string) =>
    guard(async () => {
      try {
        await client.requestGate(measure.code, to, comment.trim());
        setComment('');
        show({ intent: 'success', title: 'Requested', text: done });
        await load(measure.code);
      } catch (e) {
        const details = (e as { details?: { missing?: string[] } }).details;
        if (details?.missing) setMissing(details.missing);
        else throw e;
      }
    });
  const held = (hold: boolean) =>
    guard(async () => {
      await (hold
        ? client.hold(measure.code, comment.trim())
        : client.resume(measure.code, comment.trim()));
      setComment('');
      show({
        intent: 'success',
        title: hold ? 'Put on hold' : 'Resumed',
        text: `${measure.code} is ${hold ? 'on hold' : 'active again'}.`,
      });
      await load(measure.code);
    });
  const f = measure.figures;
  const waiting = measure.openRequests.gateRequest;
  return (
    <section className={s.stack} aria-label="Measure">
      <Subtitle2 as="h2">
        {measure.code} · {measure.title}
      </Subtitle2>
      <div className={s.row}>
        <Badge appearance="filled" color="brand">
          {measure.stage}
          {measure.doi ? ` (DoI ${measure.doi})` : ''}
        </Badge>
        {measure.onHold && (
          <Badge color="warning">
            ‖ on hold{measure.holdReason ? `: ${measure.holdReason}` : ''}
          </Badge>
        )}
      </div>
      <div className={s.row} role="group" aria-label="Dual status">
        <Text>Implementation</Text>
        <StatusBadge status={measure.implementationStatus} />
        <Text>Potential</Text>
        <StatusBadge status={measure.potentialStatus} />
      </div>
      <Caption1>
        Owner {measure.owner?.name ?? '—'} · Sponsor {measure.sponsor?.name ?? '—'} · Controller{' '}
        {measure.controller?.name ?? '—'}
      </Caption1>
      <dl className={s.figures} aria-label="Figures">
        <dt>Target</dt>
        <dd>
          {f.target.toLocaleString()} {measure.currency}
        </dd>
        <dt>Forecast</dt>
        <dd>
          {f.forecast.toLocaleString()} ({signed(f.forecastVariance)} to target)
        </dd>
        <dt>Actual</dt>
        <dd>
          {f.actual.toLocaleString()} ({signed(f.actualVariance)} to target)
        </dd>
      </dl>

      <Subtitle2 as="h3">Milestones</Subtitle2>
      {measure.milestones.length ? (
        <ul className={s.list}>
          {measure.milestones.map((m) => (
            <li key={m.id}>
              <Checkbox
                checked={m.done}
                disabled={!measure.may?.editPlan}
                label={`${m.title} · due ${m.due}`}
                onChange={(_, d) =>
                  void guard(async () => {
                    await client.setMilestone(m.id, !!d.checked);
                    await load(measure.code);
                  })
                }
              />
            </li>
          ))}
        </ul>
      ) : (
        <Caption1 className={s.muted}>None yet.</Caption1>
      )}

      <Subtitle2 as="h3">Risks and exceptions</Subtitle2>
      {(measure.risks ?? [])
        .filter((r) => r.open)
        .map((r) => (
          <Caption1 key={r.id}>
            ⚠ {r.title} ({r.severity})
          </Caption1>
        ))}
      {exceptions.map((e) => (
        <Caption1 key={e.id}>
          ⚑ Level {e.level}: {e.decisionNeeded} · {e.valueAtStake.toLocaleString()} at stake · waits
          on {e.waitingOn.filter(Boolean).join(', ')}
        </Caption1>
      ))}
      {!(measure.risks ?? []).some((r) => r.open) && !exceptions.length && (
        <Caption1 className={s.muted}>None open.</Caption1>
      )}

      <Subtitle2 as="h3">Open requests</Subtitle2>
      {measure.openRequests.changeRequests.map((r) => (
        <Caption1 key={r.id}>
          {r.kind} {r.period}: {r.oldValue ?? '—'} → {r.value} (waits on{' '}
          {describeWaiting(r.waitingOn)})
        </Caption1>
      ))}
      {waiting && (
        <Caption1>
          Gate to {waiting.to} waits on {describeWaiting(waiting.waitingOn)}
        </Caption1>
      )}
      {!measure.openRequests.changeRequests.length && !waiting && (
        <Caption1 className={s.muted}>None.</Caption1>
      )}

      {(measure.may?.requestGate || measure.may?.hold) && !waiting && (
        <div className={s.stack} role="group" aria-label="Decisions you can ask for">
          <Field label="Comment" hint="Goes with the request: what the approver should know.">
            <Textarea value={comment} onChange={(_, d) => setComment(d.value)} />
          </Field>
          <div className={s.row}>
            {measure.may?.requestGate && next && (
              <Button
                appearance="primary"
                onClick={() =>
                  void gate(next, `${measure.code} to ${next}: the approver sees it in Approvals.`)
                }
              >
                Request gate to {next}
              </Button>
            )}
            {measure.may?.requestGate && (
              <Button
                disabled={!comment.trim()}
                onClick={() => void gate('cancelled', `Cancellation of ${measure.code} requested.`)}
              >
                Request cancellation
              </Button>
            )}
            {measure.may?.hold && !measure.onHold && (
              <Button disabled={!comment.trim()} onClick={() => void held(true)}>
                Put on hold
              </Button>
            )}
            {measure.may?.hold && measure.onHold && (
              <Button disabled={!comment.trim()} onClick={() => void held(false)}>
                Resume
              </Button>
            )}
          </div>
        </div>
      )}
      {missing.length > 0 && (
        <div role="status">
          <Caption1>Not yet ready: {missing.join('; ')}.</Caption1>
        </div>
      )}

      <Subtitle2 as="h3">Decision history</Subtitle2>
      <ul className={s.list} aria-label="Recent history, newest first">
        {history.map((e) => (
          <li key={e.seq}>
            <Caption1>
              {e.at.slice(0, 16).replace('T', ' ')} · {describeEvent(e)} · {e.actorName}
            </Caption1>
          </li>
        ))}
      </ul>
    </section>
  );
}

const signed = (n: number) => `${n > 0 ? '+' : ''}${n.toLocaleString()}`;
