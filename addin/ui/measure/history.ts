// An audit event in a planner's words.
import type { AuditEvent } from '../../api/client.js';

export function describeEvent(e: AuditEvent): string {
  const before = e.before as Record<string, unknown> | null;
  const after = e.after as Record<string, unknown> | null;
  switch (e.action) {
    case 'cell.changed':
      return `${e.subject}: ${before?.value ?? '—'} → ${after?.value}${after?.note ? ` (“${after.note}”)` : ''}`;
    case 'change_request.opened':
      return `change requested: ${before?.kind} ${before?.period} ${before?.value ?? '—'} → ${after?.value}`;
    case 'change_request.approved':
      return `change approved${after?.comment ? `: “${after.comment}”` : ''}`;
    case 'change_request.rejected':
      return `change rejected: “${after?.comment}”`;
    case 'change_request.withdrawn':
      return `change withdrawn (${after?.reason})`;
    case 'gate.requested':
      return `gate to ${after?.to} requested`;
    case 'gate.approved':
      return `moved to ${after?.stage}${after?.comment ? `: “${after.comment}”` : ''}`;
    case 'gate.rejected':
      return `gate refused: “${after?.comment}”`;
    case 'measure.created':
      return 'measure created';
    case 'measure.held':
      return `put on hold: “${after?.reason}”`;
    case 'measure.resumed':
      return `resumed: “${after?.reason}”`;
    case 'milestone.updated':
      return `milestone ${after?.done ? 'done' : 'updated'}`;
    default:
      return e.action.replace(/[._]/g, ' ');
  }
}
