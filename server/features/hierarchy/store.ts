import type { Actor } from '../../../shared/domain/access.js';
import { seesWithin, visiblePrefixes } from '../../../shared/domain/access.js';
import { OrgSettingsSchema, type OrgSettings } from '../../../shared/domain/settings.js';
import type { Level } from '../../../shared/model.js';
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

/** What the actor may see of a scope (or, without one, every subtree they hold a role on). */
export async function scopePrefixes(
  x: Exec,
  actor: Actor,
  scope: string | undefined,
): Promise<string[]> {
  if (scope) return visiblePrefixes(actor, (await visibleNode(x, actor, scope)).path);
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
     ON u.path >= p.value AND u.path < substr(p.value, 1, length(p.value) - 1) || '0')`;

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
