// Organizations down to packages, users, role grants and organization settings.
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { CreateNode, CreateUser, GrantRole, PatchSettings } from '../../../shared/api/schemas.js';
import { canSee, hasRole, isAdmin, mayChangeSettings, visiblePrefixes } from '../../../shared/domain/access.js';
import { DEFAULT_SETTINGS, OrgSettingsSchema, sameSettings, settingsProblem } from '../../../shared/domain/settings.js';
import { minorDigits } from '../../../shared/money.js';
import { LEVELS } from '../../../shared/model.js';
import { one, rows } from '../../db/db.js';
import { hashToken, newToken } from '../../http/auth.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors.js';
import { validate } from '../../http/validate.js';
import { write } from '../../http/write.js';
import { rollupTotals } from '../reporting/rollup.js';
import { assertCodeFree, nodeByCode, orgSettings, visibleNode } from './store.js';

export const hierarchyRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/me', async (c) => {
      const actor = c.get('actor');
      const user = actor.superAdmin
        ? { id: actor.userId, name: 'Administrator (service token)', email: null }
        : await one(deps.db.client, 'SELECT id, name, email FROM users WHERE id = ?', [actor.userId]);
      const grants = await rows(
        deps.db.client,
        `SELECT n.code AS node, n.level, n.name, g.role FROM grants g JOIN nodes n ON n.id = g.node_id
         WHERE g.user_id = ? ORDER BY n.path, g.role`,
        [actor.userId],
      );
      return c.json({ user, superAdmin: actor.superAdmin, grants }, 200);
    })

    .post('/users', validate('json', CreateUser), async (c) => {
      const actor = c.get('actor');
      if (!isAdmin(actor)) throw forbidden('Only an admin creates users.');
      const body = c.req.valid('json');
      const id = `u_${randomUUID().slice(0, 12)}`;
      const token = newToken();
      await write(deps, c, async (w) => {
        if (await one(w.tx, 'SELECT 1 FROM users WHERE email = ?', [body.email]))
          throw conflict('DUPLICATE_EMAIL', `A user with e-mail ${body.email} exists.`);
        await w.tx.execute({
          sql: 'INSERT INTO users (id, name, email, token_hash, created_at) VALUES (?, ?, ?, ?, ?)',
          args: [id, body.name, body.email, hashToken(token), w.at],
        });
        w.audit({ action: 'user.created', nodeId: null, subject: id, after: { name: body.name, email: body.email } });
      });
      return c.json({ id, name: body.name, email: body.email, token }, 201);
    })

    .post('/nodes/:code/roles', validate('json', GrantRole), async (c) => {
      const actor = c.get('actor');
      const node = await visibleNode(deps.db.client, actor, c.req.param('code'));
      if (!hasRole(actor, node.path, 'admin')) throw forbidden('Only an admin of this subtree grants roles.');
      const { userId, role } = c.req.valid('json');
      await write(deps, c, async (w) => {
        if (!(await one(w.tx, 'SELECT 1 FROM users WHERE id = ?', [userId]))) throw notFound(`User ${userId}`);
        const added = await w.tx.execute({
          sql: 'INSERT OR IGNORE INTO grants (user_id, node_id, role) VALUES (?, ?, ?)',
          args: [userId, node.id, role],
        });
        if (added.rowsAffected) w.audit({ action: 'role.granted', nodeId: node.id, subject: userId, after: { role } });
      });
      return c.json({ userId, node: node.code, role }, 201);
    })

    .post('/nodes', validate('json', CreateNode), async (c) => {
      const actor = c.get('actor');
      const body = c.req.valid('json');
      await write(deps, c, async (w) => {
        // Permission first: whether a code is taken is nobody's business who may not create here.
        let parent = null;
        if (body.parentCode !== null) {
          parent = await nodeByCode(w.tx, body.parentCode);
          if (!parent || !canSee(actor, parent.path)) throw notFound(`Node ${body.parentCode}`);
          if (!hasRole(actor, parent.path, 'admin')) throw forbidden('Only an admin of the parent creates nodes under it.');
        } else if (!actor.superAdmin) throw forbidden('Only the service administrator creates organizations.');
        await assertCodeFree(w.tx, body.code);
        const expected = parent ? LEVELS[LEVELS.indexOf(parent.level) + 1] : 'organization';
        if (body.level !== expected)
          throw unprocessable('INVALID_PARENT', parent
            ? `A ${body.level} cannot sit under the ${parent.level} ${parent.code}: a node's parent is exactly one level up (here: ${expected}).`
            : 'Only an organization has no parent.');
        const id = (await one<{ id: number }>(w.tx,
          `INSERT INTO nodes (code, level, parent_id, org_id, path, name, created_at) VALUES (?, ?, ?, 0, '', ?, ?) RETURNING id`,
          [body.code, body.level, parent?.id ?? null, body.name, w.at]))!.id;
        const path = `${parent?.path ?? '/'}${id}/`;
        await w.tx.execute({ sql: 'UPDATE nodes SET org_id = ?, path = ? WHERE id = ?', args: [parent?.org_id ?? id, path, id] });
        if (!parent)
          await w.tx.execute({ sql: 'INSERT INTO org_settings (org_id, settings) VALUES (?, ?)', args: [id, JSON.stringify(DEFAULT_SETTINGS)] });
        w.audit({ action: 'node.created', nodeId: id, subject: body.code, after: body });
      });
      return c.json({ code: body.code, level: body.level, name: body.name, parentCode: body.parentCode }, 201);
    })

    .get('/nodes/:code', async (c) => {
      const actor = c.get('actor');
      const node = await visibleNode(deps.db.client, actor, c.req.param('code'));
      const parent = node.parent_id ? await one<{ code: string }>(deps.db.client, 'SELECT code FROM nodes WHERE id = ?', [node.parent_id]) : null;
      const children = (await rows<{ code: string; level: string; name: string; path: string }>(
        deps.db.client, 'SELECT code, level, name, path FROM nodes WHERE parent_id = ? ORDER BY code', [node.id],
      )).filter((ch) => visiblePrefixes(actor, ch.path).length);
      const totals = await rollupTotals(deps.db.client, visiblePrefixes(actor, node.path), node.org_id, {});
      return c.json({
        code: node.code, level: node.level, name: node.name, parentCode: parent?.code ?? null,
        children: children.map(({ code, level, name }) => ({ code, level, name })),
        totals,
      }, 200);
    })

    .patch('/nodes/:code/settings', validate('json', PatchSettings), async (c) => {
      const actor = c.get('actor');
      const node = await visibleNode(deps.db.client, actor, c.req.param('code'));
      if (node.level !== 'organization') throw unprocessable('NOT_AN_ORGANIZATION', `${node.code} is a ${node.level}: settings belong to organizations.`);
      if (!mayChangeSettings(actor, node.path)) throw forbidden('Only an admin or a controller of the organization changes its settings.');
      const settings = await write(deps, c, async (w) => {
        const before = await orgSettings(w.tx, node.id);
        const after = OrgSettingsSchema.parse({ ...before, ...c.req.valid('json') });
        if (sameSettings(before, after)) return before;
        const holdsAmounts = after.currency !== before.currency && !!(await one(w.tx,
          'SELECT 1 FROM cells c JOIN nodes n ON n.id = c.measure_id WHERE n.org_id = ? AND c.value IS NOT NULL LIMIT 1', [node.id]));
        const problem = settingsProblem(before, after, minorDigits(after.currency), holdsAmounts);
        if (problem) throw unprocessable(problem.code, problem.message);
        await w.tx.execute({ sql: 'UPDATE org_settings SET settings = ? WHERE org_id = ?', args: [JSON.stringify(after), node.id] });
        await w.revision();
        const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
        w.audit({ action: 'settings.changed', nodeId: node.id, subject: node.code,
          before: Object.fromEntries(changed.map((k) => [k, before[k]])), after: Object.fromEntries(changed.map((k) => [k, after[k]])) });
        return after;
      });
      return c.json({ code: node.code, settings }, 200);
    });
