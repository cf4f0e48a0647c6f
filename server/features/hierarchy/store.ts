import type { Actor, Grant } from '../../../shared/domain/access.js';
import { seesWithin, visiblePrefixes } from '../../../shared/domain/access.js';
import {
  DEFAULT_SETTINGS,
  OrgSettingsSchema,
  type OrgSettings,
} from '../../../shared/domain/settings.js';
import type { Level, Role } from '../../../shared/model.js';
import { minorDigits } from '../../../shared/money.js';
import { type Exec, one, rows } from '../../db/db.js';
import { conflict, notFound } from '../../http/errors.js';

export interface NodeRow {
  id: number;
  code: string;
  level: Level;
  parent_id: number | null;
  org_id: number;
  path: string;
  name: string;
}

export const nodeByCode = (x: Exec, code: string) =>
  one<NodeRow>(
    x,
    'SELECT id, code, level, parent_id, org_id, path, name FROM nodes WHERE code = ?',
    [code],
  );

/** Codes are one namespace, unique ignoring letter case: M-1108 and m-1108 cannot both exist. */
export async function assertCodeFree(x: Exec, code: string) {
  const taken = await one<{ code: string }>(
    x,
    'SELECT code FROM nodes WHERE code = ? COLLATE NOCASE',
    [code],
  );
  if (taken)
    throw conflict(
      'DUPLICATE_CODE',
      taken.code === code
        ? `Code ${code} is already used.`
        : `Code ${code} is already used as ${taken.code} (codes ignore letter case).`,
    );
}

/** The node, when the actor sees it or something inside it; else 404 (existence is not leaked). */
export async function visibleNode(x: Exec, actor: Actor, code: string): Promise<NodeRow> {
  const node = await nodeByCode(x, code);
  if (!node || !seesWithin(actor, node.path)) throw notFound(`Node ${code}`);
  return node;
}

/** A scope's node (404 unless the actor sees it or inside it) and the prefixes of what they see there. */
export async function visibleScope(x: Exec, actor: Actor, code: string) {
  const node = await visibleNode(x, actor, code);
  return { node, prefixes: visiblePrefixes(actor, node.path) };
}

/** What the actor may see of a scope (or, without one, every subtree they hold a role on). */
export async function scopePrefixes(
  x: Exec,
  actor: Actor,
  scope: string | undefined,
): Promise<string[]> {
  if (scope) return (await visibleScope(x, actor, scope)).prefixes;
  return actor.superAdmin ? ['/'] : [...new Set(actor.grants.map((g) => g.nodePath))];
}

export async function orgSettings(x: Exec, orgId: number): Promise<OrgSettings> {
  const row = await one<{ settings: string }>(
    x,
    'SELECT settings FROM org_settings WHERE org_id = ?',
    [orgId],
  );
  return OrgSettingsSchema.parse(row ? JSON.parse(row.settings) : {});
}

export async function settingsByOrg(
  x: Exec,
  orgIds: Iterable<number>,
): Promise<Map<number, OrgSettings>> {
  const ids = [...new Set(orgIds)];
  const found = await rows<{ org_id: number; settings: string }>(
    x,
    'SELECT org_id, settings FROM org_settings WHERE org_id IN (SELECT value FROM json_each(?))',
    [JSON.stringify(ids)],
  );
  const map = new Map(
    found.map((r) => [r.org_id, OrgSettingsSchema.parse(JSON.parse(r.settings))]),
  );
  for (const id of ids) if (!map.has(id)) map.set(id, OrgSettingsSchema.parse({}));
  return map;
}

/** An organization's money thresholds in minor units, the way the rules compare them. */
export function moneyRules(s: OrgSettings) {
  const digits = minorDigits(s.currency);
  const minor = (v: number | null) => (v === null ? null : Math.round(v * 10 ** digits));
  return {
    digits,
    materialityAbs: minor(s.materialityAbs),
    steeringThreshold: minor(s.steeringThreshold),
    escalation: { level2: minor(s.escalationValueLevel2), level3: minor(s.escalationValueLevel3) },
  };
}

/**
 * Nodes under any of the path prefixes in the JSON array `param`, found through the path index:
 * a prefix such as "/1/5/" is the range of paths from "/1/5/" up to "/1/50" ('0' follows '/'),
 * so a package's read costs the size of the package, not of the database. `idColumn` is the node
 * id of the row being tested.
 */
export const underPrefixes = (idColumn: string, param = '?') =>
  `${idColumn} IN (SELECT u.id FROM json_each(${param}) p JOIN nodes u
     ON ${pathUnder('u.path', 'p.value')})`;

/** The SQL condition that the path in `column` lies under the prefix `prefix` (a range, indexed). */
const pathUnder = (column: string, prefix: string) =>
  `${column} >= ${prefix} AND ${column} < substr(${prefix}, 1, length(${prefix}) - 1) || '0'`;

/** That a role granted at the path in `column` holds at the node of path `path`: on it, below, or above it. */
const holdsAt = (column: string, path: string) =>
  `((${pathUnder(column, path)}) OR substr(${path}, 1, length(${column})) = ${column})`;

/** The people of the record by id, for answers that name them (the service token and the rules too). */
export type People = Map<string, { id: string; name: string }>;

export async function peopleById(
  x: Exec,
  ids: Iterable<string | null | undefined>,
): Promise<People> {
  const wanted = [...new Set([...ids].filter((id): id is string => !!id))];
  const found = await rows<{ id: string; name: string }>(
    x,
    'SELECT id, name FROM users WHERE id IN (SELECT value FROM json_each(?))',
    [JSON.stringify(wanted)],
  );
  const map: People = new Map(found.map((u) => [u.id, u]));
  if (wanted.includes('admin'))
    map.set('admin', { id: 'admin', name: 'Administrator (service token)' });
  if (wanted.includes('system')) map.set('system', { id: 'system', name: 'Gatecell' });
  return map;
}

/** The organizations a user is an admin in. */
export const orgsAdministeredBy = async (x: Exec, userId: string) =>
  (
    await rows<{ org_id: number }>(
      x,
      `SELECT DISTINCT n.org_id FROM grants g JOIN nodes n ON n.id = g.node_id WHERE g.user_id = ? AND g.role = 'admin'`,
      [userId],
    )
  ).map((r) => r.org_id);

// ---- users, grants, invitations ----------------------------------------------------------

export const userById = (x: Exec, id: string) =>
  one<{ id: string; name: string; email: string | null }>(
    x,
    'SELECT id, name, email FROM users WHERE id = ?',
    [id],
  );

export const emailTaken = async (x: Exec, email: string) =>
  !!(await one(x, 'SELECT 1 FROM users WHERE lower(email) = ?', [email]));

export const insertUser = (
  x: Exec,
  u: { id: string; name: string; email: string },
  tokenHash: string,
  at: string,
) =>
  x.execute({
    sql: 'INSERT INTO users (id, name, email, token_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    args: [u.id, u.name, u.email, tokenHash, at],
  });

/** A user's grants, by node, as /me lists them. */
export const grantsOf = (x: Exec, userId: string) =>
  rows<{ node: string; level: Level; name: string; role: Role }>(
    x,
    `SELECT n.code AS node, n.level, n.name, g.role FROM grants g JOIN nodes n ON n.id = g.node_id
     WHERE g.user_id = ? ORDER BY n.path, g.role`,
    [userId],
  );

/** Grants a role; whether it is new (a grant held already changes nothing). */
/** Grants a role (when and by whom kept on the grant); whether it was new. */
export const grant = async (
  x: Exec,
  userId: string,
  nodeId: number,
  role: Role,
  by: { actorId: string; at: string },
) =>
  (
    await x.execute({
      sql: 'INSERT OR IGNORE INTO grants (user_id, node_id, role, granted_at, granted_by) VALUES (?, ?, ?, ?, ?)',
      args: [userId, nodeId, role, by.at, by.actorId],
    })
  ).rowsAffected > 0;

/** Whether the user holds any role in the organization. */
export const memberOf = async (x: Exec, userId: string, orgId: number) =>
  !!(await one(
    x,
    'SELECT 1 FROM grants g JOIN nodes n ON n.id = g.node_id WHERE g.user_id = ? AND n.org_id = ?',
    [userId, orgId],
  ));

/** Whether someone with this e-mail holds any role in the organization. */
export const emailIsMemberOf = async (x: Exec, email: string, orgId: number) =>
  !!(await one(
    x,
    `SELECT 1 FROM users u JOIN grants g ON g.user_id = u.id JOIN nodes n ON n.id = g.node_id WHERE lower(u.email) = ? AND n.org_id = ?`,
    [email, orgId],
  ));

/** The pending invitations to the user's e-mail. */
export const invitationsFor = (x: Exec, userId: string) =>
  rows<{ id: string; node: string; name: string; invitedAt: string; invitedBy: string }>(
    x,
    `SELECT i.id, n.code AS node, n.name, i.invited_at AS invitedAt, coalesce(u.name, i.invited_by) AS invitedBy FROM invitations i
     JOIN nodes n ON n.id = i.node_id LEFT JOIN users u ON u.id = i.invited_by
     WHERE i.status = 'pending' AND i.email = (SELECT lower(email) FROM users WHERE id = ?) ORDER BY i.invited_at`,
    [userId],
  );

/** An invitation addressed to the user's e-mail (no one else's). */
export const invitationOf = (x: Exec, id: string, userId: string) =>
  one<{ node_id: number; code: string; status: string }>(
    x,
    `SELECT i.node_id, n.code, i.status FROM invitations i JOIN nodes n ON n.id = i.node_id
     WHERE i.id = ? AND i.email = (SELECT lower(email) FROM users WHERE id = ?)`,
    [id, userId],
  );

export const acceptInvitation = (x: Exec, id: string, userId: string, at: string) =>
  x.execute({
    sql: "UPDATE invitations SET status = 'accepted', accepted_by = ?, accepted_at = ? WHERE id = ?",
    args: [userId, at, id],
  });

export const pendingInvitation = (x: Exec, nodeId: number, email: string) =>
  one<{ id: string; invited_at: string }>(
    x,
    "SELECT id, invited_at FROM invitations WHERE node_id = ? AND email = ? AND status = 'pending'",
    [nodeId, email],
  );

export const insertInvitation = (
  x: Exec,
  id: string,
  nodeId: number,
  person: { email: string; name: string },
  by: string,
  at: string,
) =>
  x.execute({
    sql: "INSERT INTO invitations (id, node_id, email, name, status, invited_by, invited_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)",
    args: [id, nodeId, person.email, person.name, by, at],
  });

// ---- nodes and settings ------------------------------------------------------------------

export const nodeByPath = (x: Exec, path: string) =>
  one<NodeRow>(
    x,
    'SELECT id, code, level, parent_id, org_id, path, name FROM nodes WHERE path = ?',
    [path],
  );

/** The nodes of one level of an organization, by path (a report names each measure's program). */
export const nodesAtLevel = async (x: Exec, orgId: number, level: Level) =>
  new Map(
    (
      await rows<{ code: string; name: string; path: string }>(
        x,
        'SELECT code, name, path FROM nodes WHERE org_id = ? AND level = ?',
        [orgId, level],
      )
    ).map((n) => [n.path, { code: n.code, name: n.name }]),
  );

export const nodeCodeById = async (x: Exec, id: number) =>
  (await one<{ code: string }>(x, 'SELECT code FROM nodes WHERE id = ?', [id]))?.code ?? null;

export const childrenOf = (x: Exec, id: number) =>
  rows<{ code: string; level: Level; name: string; path: string }>(
    x,
    'SELECT code, level, name, path FROM nodes WHERE parent_id = ? ORDER BY code',
    [id],
  );

/**
 * A new node under `parent` (an organization without one, with the default settings); its path is
 * its parent's and its own id, known only once inserted.
 */
export async function insertNode(
  x: Exec,
  node: { code: string; level: Level; name: string },
  parent: NodeRow | null,
  at: string,
): Promise<number> {
  const id = (await one<{ id: number }>(
    x,
    `INSERT INTO nodes (code, level, parent_id, org_id, path, name, created_at) VALUES (?, ?, ?, 0, '', ?, ?) RETURNING id`,
    [node.code, node.level, parent?.id ?? null, node.name, at],
  ))!.id;
  await x.execute({
    sql: 'UPDATE nodes SET org_id = ?, path = ? WHERE id = ?',
    args: [parent?.org_id ?? id, `${parent?.path ?? '/'}${id}/`, id],
  });
  if (!parent)
    await x.execute({
      sql: 'INSERT INTO org_settings (org_id, settings) VALUES (?, ?)',
      args: [id, JSON.stringify(DEFAULT_SETTINGS)],
    });
  return id;
}

/** Whether the organization holds any amount (then its currency is fixed). */
export const holdsAmounts = async (x: Exec, orgId: number) =>
  !!(await one(
    x,
    'SELECT 1 FROM cells c JOIN nodes n ON n.id = c.measure_id WHERE n.org_id = ? AND c.value IS NOT NULL LIMIT 1',
    [orgId],
  ));

export const saveSettings = (x: Exec, orgId: number, settings: OrgSettings) =>
  x.execute({
    sql: 'UPDATE org_settings SET settings = ? WHERE org_id = ?',
    args: [JSON.stringify(settings), orgId],
  });

/** A user's grants with their nodes' paths. */
export const grantPathsOf = (x: Exec, userId: string) =>
  rows<{ path: string; role: Role }>(
    x,
    'SELECT n.path, g.role FROM grants g JOIN nodes n ON n.id = g.node_id WHERE g.user_id = ?',
    [userId],
  );

/** A signing-in person's row and grants, one row per grant (one with nulls for none). */
interface SignInRow {
  id: string;
  active: number;
  /** When the token was issued: its last rotation, else the user's creation. */
  token_issued_at: string;
  path: string | null;
  role: Role | null;
}
const SIGN_IN = `SELECT u.id, u.active, coalesce(u.token_rotated_at, u.created_at) AS token_issued_at, n.path, g.role
  FROM users u LEFT JOIN grants g ON g.user_id = u.id LEFT JOIN nodes n ON n.id = g.node_id WHERE`;

/** Whose token this is (by its hash), with their grants. */
export const grantsByToken = (x: Exec, tokenHash: string) =>
  rows<SignInRow>(x, `${SIGN_IN} u.token_hash = ?`, [tokenHash]);

/** The same for a person signed in by e-mail (single sign-on). */
export const grantsByEmail = (x: Exec, email: string) =>
  rows<SignInRow>(x, `${SIGN_IN} lower(u.email) = ?`, [email]);

/**
 * The grants of each of the people, as the rules read them; an inactive person holds none (a
 * request naming them waits on someone else: standingApprover).
 */
export async function grantsOfPeople(
  x: Exec,
  ids: Iterable<string | null | undefined>,
): Promise<(userId: string) => Grant[]> {
  const wanted = [...new Set([...ids].filter((id): id is string => !!id))];
  const found = new Map<string, Grant[]>();
  const read = (active: string) =>
    rows<{ user_id: string; path: string; role: Role }>(
      x,
      `SELECT g.user_id, n.path, g.role FROM grants g JOIN users u ON u.id = g.user_id ${active}
       JOIN nodes n ON n.id = g.node_id WHERE g.user_id IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(wanted)],
    );
  if (wanted.length)
    for (const r of await read('AND u.active = 1').catch((e: unknown) => {
      // Migration 006 judges the measures already in the record before 007 gives users their
      // `active` column: everyone was active then.
      if (/no such column: u\.active/.test(String(e))) return read('');
      throw e;
    }))
      found.set(r.user_id, [...(found.get(r.user_id) ?? []), { nodePath: r.path, role: r.role }]);
  return (userId) => found.get(userId) ?? [];
}

/** A user as their administration sees them. */
export const userForAdmin = (x: Exec, id: string) =>
  one<{ id: string; name: string; email: string | null; active: number }>(
    x,
    'SELECT id, name, email, active FROM users WHERE id = ?',
    [id],
  );

/** The paths of the organizations a user holds a role in. */
export const orgPathsOfUser = async (x: Exec, userId: string) =>
  (
    await rows<{ path: string }>(
      x,
      `SELECT DISTINCT o.path FROM grants g JOIN nodes n ON n.id = g.node_id JOIN nodes o ON o.id = n.org_id
       WHERE g.user_id = ?`,
      [userId],
    )
  ).map((r) => r.path);

export const setUserActive = (x: Exec, id: string, active: boolean) =>
  x.execute({ sql: 'UPDATE users SET active = ? WHERE id = ?', args: [active ? 1 : 0, id] });

/** A new token for the user: the old one is refused from now on. */
export const replaceToken = (x: Exec, id: string, tokenHash: string, at: string) =>
  x.execute({
    sql: 'UPDATE users SET token_hash = ?, token_rotated_at = ? WHERE id = ?',
    args: [tokenHash, at, id],
  });

/** Takes a grant away; whether there was one. */
export const revokeGrant = async (x: Exec, userId: string, nodeId: number, role: Role) =>
  (
    await x.execute({
      sql: 'DELETE FROM grants WHERE user_id = ? AND node_id = ? AND role = ?',
      args: [userId, nodeId, role],
    })
  ).rowsAffected > 0;

/** Whether the record holds any node at all (an empty database gets the demo on `npm start`). */
export const anyNode = async (x: Exec) => !!(await one(x, 'SELECT 1 FROM nodes LIMIT 1'));

/** Every node's id, organization and code (the audit verification names what it replays). */
export const allNodes = (x: Exec) =>
  rows<{ id: number; org_id: number; code: string }>(x, 'SELECT id, org_id, code FROM nodes');

/** Every organization's settings. */
export async function everyOrgSettings(x: Exec): Promise<Map<number, OrgSettings>> {
  const found = await rows<{ org_id: number; settings: string }>(
    x,
    'SELECT org_id, settings FROM org_settings',
  );
  return new Map(found.map((r) => [r.org_id, OrgSettingsSchema.parse(JSON.parse(r.settings))]));
}

export interface AccessGrantRow {
  user_id: string;
  name: string;
  email: string | null;
  active: number;
  role: Role;
  node: string;
  granted_at: string | null;
  granted_by: string | null;
}

/** Every grant that holds in the scope at `path`: on it, below it, or above it. */
export const grantsHoldingIn = (x: Exec, path: string) =>
  rows<AccessGrantRow>(
    x,
    `SELECT u.id AS user_id, u.name, u.email, u.active, g.role, n.code AS node, g.granted_at, g.granted_by
     FROM grants g JOIN users u ON u.id = g.user_id JOIN nodes n ON n.id = g.node_id
     WHERE ${holdsAt('n.path', '?1')}
     ORDER BY u.name, u.id, n.path, g.role`,
    [path],
  );

/** How many measures under `path` name each person controller, sponsor. */
export async function namedCountsUnder(x: Exec, path: string) {
  const counts = new Map<string, { controller: number; sponsor: number }>();
  for (const r of await rows<{ user_id: string; part: 'controller' | 'sponsor'; n: number }>(
    x,
    `SELECT m.controller_id AS user_id, 'controller' AS part, COUNT(*) AS n FROM measures m JOIN nodes n ON n.id = m.node_id
       WHERE ${pathUnder('n.path', '?1')} AND m.controller_id IS NOT NULL GROUP BY m.controller_id
     UNION ALL
     SELECT m.sponsor_id, 'sponsor', COUNT(*) FROM measures m JOIN nodes n ON n.id = m.node_id
       WHERE ${pathUnder('n.path', '?1')} AND m.sponsor_id IS NOT NULL GROUP BY m.sponsor_id`,
    [path],
  )) {
    const c = counts.get(r.user_id) ?? { controller: 0, sponsor: 0 };
    c[r.part] = r.n;
    counts.set(r.user_id, c);
  }
  return counts;
}

/**
 * The access events of the trail up to `until` (an instant), in trail order: grants and
 * revocations on the scope at `path`, below or above it, and every deactivation and reactivation.
 * Segments are read only where their text names such an event (a measure's cell events are not
 * parsed).
 */
export async function accessEventsUpTo(x: Exec, path: string, until: string) {
  const found = await rows<{ events: string; at: string; actor: string; node: string | null }>(
    x,
    `SELECT s.events, b.at, b.actor, n.code AS node FROM audit_segments s
       JOIN audit_batches b ON b.id = s.batch_id LEFT JOIN nodes n ON n.id = s.node_id
     WHERE b.at <= ?2 AND (
       (s.node_id IS NULL AND instr(s.events, '"user.') > 0)
       OR (instr(s.events, '"role.') > 0 AND ${holdsAt('n.path', '?1')}))
     ORDER BY s.batch_id, s.ord`,
    [path, until],
  );
  return found.flatMap((s) =>
    (JSON.parse(s.events) as [number, string, string | null, unknown, unknown][]).map(
      ([, action, subject, before, after]) => ({
        action,
        subject,
        before,
        after,
        at: s.at,
        actor: s.actor,
        node: s.node,
      }),
    ),
  );
}

/** People by id with their e-mail (an access review names them). */
export const usersByIds = (x: Exec, ids: readonly string[]) =>
  rows<{ id: string; name: string; email: string | null }>(
    x,
    'SELECT id, name, email FROM users WHERE id IN (SELECT value FROM json_each(?))',
    [JSON.stringify([...new Set(ids)])],
  );
