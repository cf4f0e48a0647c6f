// Notifications (api-v1.md, "Notifications"): an organization's admins register webhooks — Teams
// or Slack incoming webhooks, or any HTTPS receiver — on a node, for the events they want, and
// see every delivery and what came of it. Deliveries are written by the writes themselves
// (outbox.ts) and posted in the background (deliver.ts).
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { DeliveriesAnswer, WebhookAnswer, WebhooksAnswer } from '../../../shared/api/answers.js';
import { CreateWebhook, DeliveriesQuery } from '../../../shared/api/schemas.js';
import { mayManageWebhooks } from '../../../shared/domain/access.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { forbidden, notFound } from '../../http/errors.js';
import { documented } from '../../http/openapi.js';
import { validate } from '../../http/validate.js';
import { write } from '../../http/write.js';
import { visibleNode } from '../hierarchy/store.js';
import { presentDelivery, presentWebhook } from './present.js';
import {
  deliveriesUnder,
  insertWebhook,
  removeWebhook,
  webhookById,
  webhooksUnder,
} from './store.js';

export const notificationRoutes = (deps: Deps) => {
  /** The node, when the actor administers it. */
  const administered = async (actor: AppEnv['Variables']['actor'], code: string) => {
    const node = await visibleNode(deps.db.client, actor, code);
    if (!mayManageWebhooks(actor, node.path))
      throw forbidden('Only an admin of the node manages its webhooks.');
    return node;
  };
  return new Hono<AppEnv>()
    .post(
      '/nodes/:code/webhooks',
      documented({
        tag: 'Notifications',
        summary:
          'Register a webhook on a node (admin): its events under the node are posted to the URL, signed with the secret',
        answers: { 201: WebhookAnswer },
      }),
      validate('json', CreateWebhook),
      async (c) => {
        const actor = c.get('actor');
        const node = await administered(actor, c.req.param('code'));
        const body = c.req.valid('json');
        const id = `wh_${randomUUID()}`;
        const events = [...new Set(body.events)];
        await write(deps, c, async (w) => {
          await insertWebhook(
            w.tx,
            { id, nodeId: node.id, url: body.url, events, secret: body.secret },
            actor.userId,
            w.at,
          );
          w.audit({
            action: 'webhook.created',
            nodeId: node.id,
            subject: id,
            after: { url: body.url, events },
          });
        });
        return c.json(presentWebhook((await webhookById(deps.db.client, id))!), 201);
      },
    )
    .get(
      '/nodes/:code/webhooks',
      documented({
        tag: 'Notifications',
        summary: 'The webhooks on a node and below it (admin); secrets are never answered',
        answers: { 200: WebhooksAnswer },
      }),
      async (c) => {
        const node = await administered(c.get('actor'), c.req.param('code'));
        const hooks = await webhooksUnder(deps.db.client, node.path);
        return c.json({ webhooks: hooks.map(presentWebhook) }, 200);
      },
    )
    .delete(
      '/nodes/:code/webhooks/:id',
      documented({
        tag: 'Notifications',
        summary:
          'Remove a webhook (admin): nothing more is posted to it, what was pending is given up; its deliveries stay listed',
        answers: { 200: WebhookAnswer },
      }),
      async (c) => {
        const actor = c.get('actor');
        const node = await administered(actor, c.req.param('code'));
        const id = c.req.param('id');
        const hook = await webhookById(deps.db.client, id);
        // Only a webhook on this node or below it: another's is as unknown as a missing one.
        if (!hook || !hook.path.startsWith(node.path)) throw notFound(`Webhook ${id}`);
        await write(deps, c, async (w) => {
          await removeWebhook(w.tx, id, actor.userId, w.at);
          w.audit({
            action: 'webhook.removed',
            nodeId: hook.node_id,
            subject: id,
            before: { url: hook.url, events: JSON.parse(hook.events) as unknown },
          });
        });
        return c.json(presentWebhook(hook), 200);
      },
    )
    .get(
      '/nodes/:code/webhooks/deliveries',
      documented({
        tag: 'Notifications',
        summary:
          'The deliveries of the webhooks on a node and below it, newest first (admin): attempts and outcomes',
        answers: { 200: DeliveriesAnswer },
      }),
      validate('query', DeliveriesQuery),
      async (c) => {
        const node = await administered(c.get('actor'), c.req.param('code'));
        const found = await deliveriesUnder(deps.db.read, node.path, c.req.valid('query').limit);
        return c.json({ deliveries: found.map(presentDelivery) }, 200);
      },
    );
};
