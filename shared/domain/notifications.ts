// Which events of the record are told to webhooks (api-v1.md, "Notifications"): an exception
// reaching level 2 or 3 (escalating, or raised that high), a change, window or gate request
// opened (waiting on someone), a decision made on a request or an exception.
export const NOTIFICATION_EVENTS = [
  'exception.escalated',
  'request.waiting',
  'decision.made',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

const DECISIONS = new Set([
  'change_request.approved',
  'change_request.rejected',
  'window_request.approved',
  'window_request.rejected',
  'gate.approved',
  'gate.rejected',
  'exception.decided',
]);
const REQUESTS = new Set(['change_request.opened', 'window_request.opened', 'gate.requested']);

/** The notification an audit event is, or null. */
export function notificationOf(e: { action: string; after?: unknown }): NotificationEvent | null {
  if (DECISIONS.has(e.action)) return 'decision.made';
  if (REQUESTS.has(e.action)) return 'request.waiting';
  if (e.action === 'exception.escalated' || e.action === 'exception.raised') {
    const level = (e.after as { level?: number } | undefined)?.level ?? 1;
    return level >= 2 ? 'exception.escalated' : null;
  }
  return null;
}

/** The wait before attempt n + 1 after n failed: 30 s, doubling, at most an hour. */
export const retryDelayMs = (attempts: number) => Math.min(3_600_000, 30_000 * 2 ** (attempts - 1));
/** A delivery is given up a day after it was made. */
export const GIVE_UP_MS = 86_400_000;
