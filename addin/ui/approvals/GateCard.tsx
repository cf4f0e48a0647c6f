// A gate waiting on the signed-in user: approve or reject, with the comment the record keeps.
import {
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Field,
  Input,
  makeStyles,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { GatecellClient, GateRequestView } from '../../api/client.js';
import { useNotices } from '../notices.js';

const useStyles = makeStyles({
  row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

const WHY: Record<string, string> = {
  steering:
    'Waits on the steering committee: the cumulative target is at or above the steering threshold.',
  sponsor: "Waits on the measure's sponsor.",
  controller: "Waits on the measure's controller: the figures are validated at this gate.",
  sponsor_or_steering: 'Waits on the sponsor or the steering committee.',
};

export function GateCard({
  gate: g,
  client,
  onDecided,
}: {
  gate: GateRequestView;
  client: GatecellClient;
  onDecided: () => Promise<unknown>;
}) {
  const s = useStyles();
  const { guard, show } = useNotices();
  const [comment, setComment] = useState('');
  const decide = (approve: boolean) =>
    guard(async () => {
      await client.decideGate(g.id, approve, comment.trim());
      show(
        approve
          ? { intent: 'success', title: 'Gate approved', text: `${g.measure} is now ${g.to}.` }
          : { intent: 'info', title: 'Gate refused', text: `${g.measure} stays ${g.from}.` },
      );
      await onDecided();
    });
  return (
    <Card aria-label={`Gate ${g.measure} to ${g.to}`}>
      <CardHeader
        header={
          <Subtitle2 as="h2">
            {g.measure} · gate to {g.to}
          </Subtitle2>
        }
        description={
          <Caption1>
            {g.title} · from {g.from} · {g.requestedBy?.name} · {g.requestedAt.slice(0, 10)}
          </Caption1>
        }
      />
      {g.comment && <Body1>“{g.comment}”</Body1>}
      {g.waitingOn && (
        <Caption1>{WHY[g.waitingOn.role] ?? `Waits on ${g.waitingOn.role}.`}</Caption1>
      )}
      <Field label="Comment">
        <Input value={comment} onChange={(_, d) => setComment(d.value)} />
      </Field>
      <div className={s.row}>
        <Button appearance="primary" onClick={() => void decide(true)}>
          Approve
        </Button>
        <Button onClick={() => void decide(false)}>Reject</Button>
      </div>
    </Card>
  );
}
