// Who held which role at a past moment, replayed from the audit trail: every grant, revocation,
// deactivation and reactivation is an event there (with its time and actor), so the trail is the
// record of access over time, and the grants table only its present.
import type { Role } from '../model.js';

/** An access event as the trail stores it, with its batch's time and actor and its node. */
export interface AccessEvent {
  action: string;
  subject: string | null;
  before: unknown;
  after: unknown;
  at: string;
  actor: string;
  node: string | null;
}

export interface HeldGrant {
  userId: string;
  role: Role;
  node: string;
  since: string;
  grantedBy: string;
}

/**
 * The grants held and the people deactivated after `events` (in trail order, up to the moment
 * asked for). A grant made twice (revoked between) holds since the last time it was made.
 */
export function replayAccess(events: Iterable<AccessEvent>): {
  grants: HeldGrant[];
  inactive: Set<string>;
} {
  const held = new Map<string, HeldGrant>();
  const inactive = new Set<string>();
  for (const e of events) {
    if (!e.subject) continue;
    if (e.action === 'role.granted' && e.node) {
      const role = (e.after as { role: Role }).role;
      const key = `${e.subject}\u0001${e.node}\u0001${role}`;
      if (!held.has(key))
        held.set(key, { userId: e.subject, role, node: e.node, since: e.at, grantedBy: e.actor });
    } else if (e.action === 'role.revoked' && e.node)
      held.delete(`${e.subject}\u0001${e.node}\u0001${(e.before as { role: Role }).role}`);
    else if (e.action === 'user.deactivated') inactive.add(e.subject);
    else if (e.action === 'user.reactivated') inactive.delete(e.subject);
  }
  return { grants: [...held.values()], inactive };
}
