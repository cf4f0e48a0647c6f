// Who may do what: roles are granted on a node and hold for its whole subtree.
// Nodes carry a materialized path ("/1/7/42/"), so "holds a role here" is a prefix test.
import { type Level, LEVELS, type Role } from '../model.js';

export interface Grant {
  nodePath: string;
  role: Role;
}

export interface Actor {
  userId: string;
  /** Holds admin on every organization (the GATECELL_ADMIN_TOKEN user). */
  superAdmin: boolean;
  grants: readonly Grant[];
}

/** The roles an actor holds on the node at `path` (granted there or above). */
export function rolesAt(actor: Actor, path: string): Set<Role> {
  const roles = new Set<Role>();
  if (actor.superAdmin) roles.add('admin');
  for (const g of actor.grants) if (path.startsWith(g.nodePath)) roles.add(g.role);
  return roles;
}

/** Whether the actor holds one of `wanted` on the node at `path` (called per change of a push: no allocation). */
export function hasRole(actor: Actor, path: string, ...wanted: Role[]): boolean {
  if (actor.superAdmin && wanted.includes('admin')) return true;
  for (const g of actor.grants)
    if (path.startsWith(g.nodePath) && wanted.includes(g.role)) return true;
  return false;
}

/** Sees the node itself: holds any role on it. */
export const canSee = (actor: Actor, path: string) =>
  actor.superAdmin || actor.grants.some((g) => path.startsWith(g.nodePath));

/**
 * The path of the node's ancestor (or itself) at `level`: levels are strict, one a segment of the
 * path, the organization first. Null for a node above that level.
 */
export function ancestorPath(path: string, level: Level): string | null {
  const segments = path.split('/').slice(1, -1);
  const depth = LEVELS.indexOf(level) + 1;
  return segments.length < depth ? null : `/${segments.slice(0, depth).join('/')}/`;
}

/** Sees the node or something inside it: enough to ask for a scope. */
export const seesWithin = (actor: Actor, path: string) =>
  canSee(actor, path) || actor.grants.some((g) => g.nodePath.startsWith(path));

/**
 * The path prefixes that bound what the actor may see inside `scopePath`: the scope itself when
 * they hold a role on it, else each granted subtree inside it. Empty when they see nothing there.
 */
export function visiblePrefixes(actor: Actor, scopePath: string): string[] {
  if (canSee(actor, scopePath)) return [scopePath];
  const inside = actor.grants.map((g) => g.nodePath).filter((p) => p.startsWith(scopePath));
  // Drop prefixes already covered by a shorter one.
  return [...new Set(inside)].filter((p, _, all) => !all.some((q) => q !== p && p.startsWith(q)));
}

export interface MeasurePeople {
  ownerId: string;
  sponsorId: string | null;
  controllerId: string | null;
}

/**
 * Segregation of duties: owner, sponsor and controller of a measure are three different people,
 * so that every request always has someone other than its requester who may decide it.
 */
export function segregationViolation(people: MeasurePeople): string | null {
  if (people.controllerId && people.controllerId === people.ownerId)
    return 'The owner of a measure cannot be its controller.';
  if (people.sponsorId && people.sponsorId === people.ownerId)
    return 'The owner of a measure cannot be its sponsor.';
  if (people.sponsorId && people.sponsorId === people.controllerId)
    return 'The sponsor of a measure cannot also be its controller.';
  return null;
}

/**
 * The plan (baseline, target, forecast) is edited by a planner on the measure's subtree (its
 * owner too only while they hold that role), and never by its named controller, whatever other
 * roles they hold: they validate that plan.
 */
export const mayEditPlan = (actor: Actor, path: string, people: MeasurePeople) =>
  actor.userId !== people.controllerId && hasRole(actor, path, 'planner');

/**
 * Whether the actor is the person a measure names for a part (its controller, its sponsor) and
 * still holds that part's role on the measure: being named is not the right itself, so a role
 * revoked takes the decisions it carried with it, on the next request.
 */
export const actsAsNamed = (
  actor: Actor,
  path: string,
  namedId: string | null,
  role: 'controller' | 'sponsor',
) => namedId !== null && actor.userId === namedId && hasRole(actor, path, role);

/** Actuals: a controller on the subtree (the named one included), never the measure's owner or sponsor. */
export const mayEnterActuals = (actor: Actor, path: string, people: MeasurePeople) =>
  actor.userId !== people.ownerId &&
  actor.userId !== people.sponsorId &&
  hasRole(actor, path, 'controller');

/**
 * A change request (a cell, or a window) is decided by the measure's named controller while they
 * hold the controller role on it, never by its requester.
 */
export const mayDecideChange = (
  actor: Actor,
  request: { requestedBy: string },
  measure: { path: string; controllerId: string | null },
) =>
  actor.userId !== request.requestedBy &&
  actsAsNamed(actor, measure.path, measure.controllerId, 'controller');

/** Whom a request waits on: a role, and the person named for it (none for a steering decision). */
export interface Waiting {
  role: string;
  userId: string | null;
}

/**
 * Whom a request waits on as things stand: the person it names, while they hold the role on the
 * measure (an inactive person holds none); otherwise nobody in person — `formerly` says who was
 * named — and the decision waits on steering, who decide it where the rule lets them, or name
 * another approver. The one answer for the approvals lists, the rollup and the overdue exception.
 */
export function standingApprover(
  waiting: Waiting,
  path: string,
  grantsOf: (userId: string) => readonly Grant[],
): Waiting & { formerly: string | null } {
  if (waiting.userId === null) return { ...waiting, formerly: null };
  const role = (waiting.role === 'sponsor_or_steering' ? 'sponsor' : waiting.role) as Role;
  const named: Actor = {
    userId: waiting.userId,
    superAdmin: false,
    grants: grantsOf(waiting.userId),
  };
  return hasRole(named, path, role)
    ? { ...waiting, formerly: null }
    : { role: waiting.role, userId: null, formerly: waiting.userId };
}

/** Whom a change request waits on: the measure's named controller. */
export const changeApprover = (measure: { controllerId: string | null }) => ({
  role: 'controller' as const,
  userId: measure.controllerId,
});

/** Descriptive fields, the declared status and the window are the owner's. */
export const mayDescribeMeasure = (actor: Actor, people: MeasurePeople) =>
  actor.userId === people.ownerId;

/**
 * Naming another sponsor or controller after creation: an admin or a steering member on the
 * subtree, never the measure's owner nor anyone whose request on it is waiting (they would be
 * picking their own approver).
 */
export function reassignBlock(
  actor: Actor,
  path: string,
  people: MeasurePeople,
  pendingRequesters: readonly string[],
): string | null {
  if (actor.userId === people.ownerId)
    return 'The owner of a measure does not choose its sponsor or controller.';
  if (pendingRequesters.includes(actor.userId))
    return 'You have a request waiting on this measure: you cannot choose who decides it.';
  if (!hasRole(actor, path, 'admin', 'steering'))
    return 'Only an admin or a steering member names another sponsor or controller.';
  return null;
}

/** The named person may not take a part in which they would decide their own waiting request. */
export const reassigneeBlock = (userId: string, pendingRequesters: readonly string[]) =>
  pendingRequesters.includes(userId)
    ? `${userId} has a request waiting on this measure and cannot be named to decide it.`
    : null;

/** Sponsor (while they hold the role) or steering put a measure on hold and resume it. */
export const mayHold = (actor: Actor, path: string, people: MeasurePeople) =>
  actsAsNamed(actor, path, people.sponsorId, 'sponsor') || hasRole(actor, path, 'steering');

/** Holds the role on some node (or is the service admin, for admin): enough to ask for service-wide acts. */
export const holdsRoleSomewhere = (actor: Actor, role: Role) =>
  (role === 'admin' && actor.superAdmin) || actor.grants.some((g) => g.role === role);

/** Users are created by an admin; audit checkpoints and verification are an admin's. */
export const isAdmin = (actor: Actor) => holdsRoleSomewhere(actor, 'admin');

/** Ledger imports are a controller's (each row is then judged by mayEnterActuals on its measure). */
export const mayImportActuals = (actor: Actor) =>
  actor.superAdmin || holdsRoleSomewhere(actor, 'controller');

/**
 * Creating a node: under a parent, an admin of it; an organization, the service administrator
 * only (an organization's admins administer their own, they do not found others).
 */
export const mayCreateNode = (actor: Actor, parentPath: string | null) =>
  parentPath === null ? actor.superAdmin : hasRole(actor, parentPath, 'admin');

/** An organization's settings: its admins and controllers. */
export const mayChangeSettings = (actor: Actor, orgPath: string) =>
  hasRole(actor, orgPath, 'admin', 'controller');

/** An exception is acted on by its owner or above: the measure's people, steering, an admin of the subtree. */
export const mayActOnException = (
  actor: Actor,
  path: string,
  exceptionOwnerId: string,
  people: MeasurePeople,
) =>
  [exceptionOwnerId, people.ownerId, people.sponsorId, people.controllerId].includes(
    actor.userId,
  ) || hasRole(actor, path, 'steering', 'admin');

/** An exception is raised by hand by a planner or anyone above on the measure's subtree (not a viewer, not an admin as such). */
export const mayRaiseException = (actor: Actor, path: string) =>
  hasRole(actor, path, 'planner', 'controller', 'sponsor', 'steering');

/**
 * An exception is decided by whom its level waits on, or by anyone a higher level waits on: its
 * owner (level 1), the measure's named sponsor or controller while they hold the role (levels 1
 * and 2), a steering member (any level). Never by the person who raised it.
 */
export function mayDecideException(
  actor: Actor,
  path: string,
  exception: { level: number; ownerId: string; raisedBy: string | null },
  people: MeasurePeople,
): boolean {
  if (actor.userId === exception.raisedBy) return false;
  if (hasRole(actor, path, 'steering')) return true;
  if (exception.level >= 3) return false;
  if (
    actsAsNamed(actor, path, people.sponsorId, 'sponsor') ||
    actsAsNamed(actor, path, people.controllerId, 'controller')
  )
    return true;
  return exception.level === 1 && actor.userId === exception.ownerId && canSee(actor, path);
}

/** Webhooks of a node: its admins (they say where the organization's news goes). */
export const mayManageWebhooks = (actor: Actor, path: string) => hasRole(actor, path, 'admin');

/** A gate is requested by the measure's owner only. */
export const mayRequestGate = (actor: Actor, people: MeasurePeople) =>
  actor.userId === people.ownerId;

/** The roles that move money or decide on it, as opposed to administering access or reading. */
export const BUSINESS_ROLES = [
  'planner',
  'controller',
  'sponsor',
  'steering',
] as const satisfies readonly Role[];

/**
 * Segregation of access administration from approving money: nobody grants themselves a business
 * role (the service token is no user and holds none). The reason, or null when the grant may go on.
 */
export function selfGrantBlock(actor: Actor, userId: string, role: Role): string | null {
  if (actor.superAdmin || userId !== actor.userId) return null;
  return (BUSINESS_ROLES as readonly Role[]).includes(role)
    ? `An admin never grants themselves a business role (${role}): another admin grants it.`
    : null;
}

/** Nobody deactivates or reactivates themselves: no admin locks themselves out or lifts their own suspension. */
export const activityBlock = (actor: Actor, userId: string) =>
  userId === actor.userId ? 'Nobody deactivates or reactivates themselves.' : null;

/**
 * Who administers a person's access (deactivates them, issues them a new token): the service admin,
 * or an admin of every organization the person holds a role in — and of at least one, so that no
 * organization's admin reaches people who are not its members.
 */
export const mayAdministerUser = (actor: Actor, orgPathsOfUser: readonly string[]) =>
  actor.superAdmin ||
  (orgPathsOfUser.length > 0 && orgPathsOfUser.every((p) => hasRole(actor, p, 'admin')));

/** Who reviews access to a scope: its admins and its controllers. */
export const mayReviewAccess = (actor: Actor, path: string) =>
  hasRole(actor, path, 'admin', 'controller');

/**
 * What a role lets its holder approve or decide, in the rules' words, for an access review. Named
 * parts (controller, sponsor) decide only on the measures that name them.
 */
export const APPROVES = {
  admin: [
    'access: grants, revocations, deactivations and tokens (never a role that moves money to themselves)',
  ],
  planner: [],
  controller: [
    'change requests of the measures naming them controller',
    'gates to Detailed and Closed of those measures',
    'actuals of the measures in the subtree',
  ],
  sponsor: [
    'gates to Identified, Decided (below the steering threshold) and Implemented, and cancellations, of the measures naming them sponsor',
    'holds of those measures',
  ],
  steering: [
    'gates to Decided at or above the steering threshold',
    'any sponsor gate and cancellation in the subtree',
    'holds in the subtree, and who is named sponsor or controller',
  ],
  viewer: [],
} as const satisfies Record<Role, readonly string[]>;
