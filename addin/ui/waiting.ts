// Whom a request waits on, in a planner's words: the person, else the role; and, when the person
// named to decide has lost the role, that it waits on steering until someone else is named.
import type { WaitingOn } from '../api/client.js';

export function describeWaiting(w: WaitingOn): string {
  if (!w) return '';
  const who = w.user?.name ?? w.role;
  return w.formerly
    ? `${who}: ${w.formerly.name} no longer holds the ${w.role} role, so steering decides or names another`
    : who;
}
