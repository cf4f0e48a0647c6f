import { Hono } from 'hono';
import { AuditQuery } from '../../../shared/api/schemas.js';
import { rows } from '../../db/db.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { forbidden } from '../../http/errors.js';
import { validate } from '../../http/validate.js';
import { underPrefixes } from '../hierarchy/store.js';
import { scopePrefixes } from '../exceptions/routes.js';
import { verifyAudit } from './trail.js';

const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : null);

export const auditRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get('/audit', validate('query', AuditQuery), async (c) => {
      const actor = c.get('actor');
      const q = c.req.valid('query');
      const prefixes = await scopePrefixes(deps, actor, q.scope);
      // Events about no node (users) are for admins only.
      const found = prefixes.length ? await rows<Record<string, unknown>>(deps.db.client,
        `SELECT e.seq, e.at, e.actor, e.action, n.code AS node, e.subject, e.before, e.after, e.source, e.request_id
         FROM audit_events e LEFT JOIN nodes n ON n.id = e.node_id
         WHERE e.seq > ?2 AND (${underPrefixes('n.path', '?1')} OR (n.id IS NULL AND ?4 = 1))
         ORDER BY e.seq LIMIT ?3`, [JSON.stringify(prefixes), q.since, q.limit, Number(actor.superAdmin && !q.scope)]) : [];
      return c.json({
        events: found.map((e) => ({
          seq: e.seq, at: e.at, actor: e.actor, action: e.action, node: e.node, subject: e.subject,
          before: parse(e.before), after: parse(e.after), source: parse(e.source), requestId: e.request_id,
        })),
      }, 200);
    })
    .get('/audit/verify', async (c) => {
      const actor = c.get('actor');
      if (!actor.superAdmin && !actor.grants.some((g) => g.role === 'admin')) throw forbidden('Only an admin verifies the audit trail.');
      return c.json(await verifyAudit(deps.db.client), 200);
    });
