// Who may do what: roles are granted on a node and hold for its whole subtree.
// Nodes carry a materialized path ("/1/7/42/"), so "holds a role here" is a prefix test.
import type { Role } from '../model.js';

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
  for (const g of actor.grants) if (path.startsWith(g.nodePath) && wanted.includes(g.role)) return true;
  return false;
}

/** Sees the node itself: holds any role on it. */
export const canSee = (actor: Actor, path: string) => actor.superAdmin || actor.grants.some((g) => path.startsWith(g.nodePath));

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

/** Segregation of duties: the owner of a measure can never be its controller. */
export function segregationViolation(people: MeasurePeople): string | null {
  if (people.controllerId && people.controllerId === people.ownerId) return 'The owner of a measure cannot be its controller.';
  return null;
}

/** The plan (baseline, target, forecast) is edited by the owner or a planner on the subtree. */
export const mayEditPlan = (actor: Actor, path: string, people: MeasurePeople) =>
  actor.userId === people.ownerId || hasRole(actor, path, 'planner');

/** Actuals: a controller on the subtree, never the measure's owner. */
export const mayEnterActuals = (actor: Actor, path: string, people: MeasurePeople) =>
  actor.userId !== people.ownerId && (actor.userId === people.controllerId || hasRole(actor, path, 'controller'));

/** A change request is decided by the measure's named controller, never by its requester. */
export const mayDecideChange = (actor: Actor, request: { requestedBy: string }, measure: { controllerId: string | null }) =>
  actor.userId !== request.requestedBy && actor.userId === measure.controllerId;
