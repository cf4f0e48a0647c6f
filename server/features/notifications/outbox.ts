// Which of a write's audit events are worth telling someone, and to which webhooks: written as
// deliveries in the write's own transaction (an outbox), so a notification exists exactly when
// what it tells of was committed, and the request never waits for a receiver. One delivery per
// webhook and kind of event per write: a push that opens 2,000 requests sends one message.
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../audit/trail.js';
import type { Write } from '../../http/write.js';
import { peopleById } from '../hierarchy/store.js';
import type { NotificationEvent } from '../../../shared/domain/notifications.js';
import { allWebhooks, enqueueDelivery, nodesForEvents } from './store.js';

/** An event of a write that someone is told of, and as what (notificationOf). */
export interface Notable {
  event: AuditEvent;
  kind: NotificationEvent;
}

/** Writes the deliveries the write's notable events call for (none when no webhook wants them). */
export async function enqueueNotifications(w: Write, notable: readonly Notable[]) {
  if (!notable.length) return;
  const hooks = await allWebhooks(w.tx);
  if (!hooks.length) return;
  const nodes = new Map(
    (await nodesForEvents(w.tx, [...new Set(notable.map((n) => n.event.nodeId ?? -1))])).map(
      (n) => [n.id, n],
    ),
  );
  const people = await peopleById(w.tx, [
    w.actorId,
    ...[...nodes.values()].flatMap((n) => [n.controller_id, n.sponsor_id]),
  ]);
  const name = (id: string | null) => (id ? { id, name: people.get(id)?.name ?? id } : null);
  for (const hook of hooks) {
    const wanted = new Set(JSON.parse(hook.events) as string[]);
    const byKind = new Map<NotificationEvent, unknown[]>();
    for (const { event: e, kind } of notable) {
      const node = nodes.get(e.nodeId ?? -1);
      if (!wanted.has(kind) || !node || !node.path.startsWith(hook.path)) continue;
      const item = {
        action: e.action,
        measure: node.code,
        subject: e.subject ?? null,
        before: e.before ?? null,
        after: e.after ?? null,
        ...(kind === 'request.waiting'
          ? { waitingOn: waitingOn(e, name(node.controller_id), name(node.sponsor_id)) }
          : {}),
      };
      byKind.set(kind, [...(byKind.get(kind) ?? []), item]);
    }
    for (const [kind, items] of byKind) {
      const id = `dl_${randomUUID()}`;
      const body = JSON.stringify({
        id,
        event: kind,
        at: w.at,
        by: name(w.actorId),
        node: hook.node,
        // Teams' and Slack's incoming webhooks show `text` as it is.
        text: summary(kind, items as { action: string; measure: string }[]),
        items,
      });
      await enqueueDelivery(w.tx, { id, webhookId: hook.id, event: kind, body }, w.at);
    }
  }
}

/** Whom an opened request waits on: the controller for a change; for a gate, its approver rule. */
function waitingOn(
  e: AuditEvent,
  controller: { id: string; name: string } | null,
  sponsor: { id: string; name: string } | null,
) {
  if (e.action !== 'gate.requested') return { role: 'controller', user: controller };
  const rule = (e.after as { approver?: string } | undefined)?.approver ?? 'steering';
  if (rule === 'controller') return { role: rule, user: controller };
  if (rule === 'steering') return { role: rule, user: null };
  return { role: rule, user: sponsor };
}

function summary(kind: NotificationEvent, items: readonly { action: string; measure: string }[]) {
  const measures = [...new Set(items.map((i) => i.measure))];
  const where =
    measures.length <= 3
      ? measures.join(', ')
      : `${measures.slice(0, 3).join(', ')} and ${measures.length - 3} more`;
  const what =
    kind === 'exception.escalated'
      ? `${items.length} exception${items.length === 1 ? '' : 's'} escalated`
      : kind === 'request.waiting'
        ? `${items.length} request${items.length === 1 ? '' : 's'} waiting for a decision`
        : `${items.length} decision${items.length === 1 ? '' : 's'} made`;
  return `Gatecell: ${what} (${where}).`;
}
