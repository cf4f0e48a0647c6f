// How audit events look on the wire (shared/api/answers.ts): each event of a stored segment with
// its batch's time, actor, request and source, and the actor's name.
import type { AuditEvent } from '../../../shared/api/answers.js';
import type { People } from '../hierarchy/store.js';
import type { SegmentRow } from './store.js';
import { readEvent, type StoredEvent } from './trail.js';

type Unnamed = Omit<AuditEvent, 'actorName'>;

/** The events of `segments` after `since`, in order (or newest first). */
export function eventsOfSegments(
  segments: readonly SegmentRow[],
  since: number,
  newest: boolean,
): Unnamed[] {
  const events = segments.flatMap((s) => {
    // The client's own request id travels in the batch's source; it is shown apart.
    const { clientRequestId = null, ...rest } = s.source
      ? (JSON.parse(s.source) as { clientRequestId?: string })
      : {};
    const batchSource = Object.keys(rest).length ? rest : null;
    return (JSON.parse(s.events) as StoredEvent[])
      .filter(([seq]) => seq > since)
      .map(readEvent)
      .map(({ seq, action, subject, before, after, source }): Unnamed => ({
        seq,
        at: s.at,
        actor: s.actor,
        action,
        node: s.node,
        subject,
        before,
        after,
        source: batchSource || source ? { ...batchSource, ...(source as object) } : null,
        requestId: s.request_id,
        clientRequestId,
      }));
  });
  return events.sort((a, b) => (newest ? b.seq - a.seq : a.seq - b.seq));
}

export const presentEvent = (e: Unnamed, people: People): AuditEvent => ({
  ...e,
  actorName: people.get(e.actor)?.name ?? e.actor,
});
