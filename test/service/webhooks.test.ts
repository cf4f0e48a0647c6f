// Notifications to webhooks (api-v1.md, "Notifications"): registered by an admin on a node, the
// events under it posted signed to a local receiver here; retried with backoff for a day, then
// given up; never on the path of the request that caused them; each made once even with two
// instances sweeping and delivering at once.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Db } from '../../server/db/db.js';
import { deliverDue } from '../../server/features/notifications/deliver.js';
import { sweep } from '../../server/features/reporting/keep.js';
import { measure, plan, push, world, type World } from '../helpers.js';

const SECRET = 'a-secret-of-the-receiver-0123';
const DAY = 86_400_000;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 answering `status` after `delayMs`, keeping what it got. */
async function receiver(answer: { status: number; delayMs?: number }) {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      setTimeout(() => res.writeHead(answer.status).end(), answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, answer };
}

const deps = (w: World, db = w.db) => ({ db, now: () => w.clock.now });
const register = (
  w: World,
  node: string,
  url: string,
  events: string[],
  token = w.users.admin.token,
) => w.call(token, 'POST', `/nodes/${node}/webhooks`, { url, events, secret: SECRET });

/** A change request opened on the measure (a material forecast change). */
async function openRequest(w: World, code: string) {
  await measure(w, code);
  await push(w, w.users.owner.token, [
    ...plan(code, 'target', 1000),
    ...plan(code, 'forecast', 1000),
  ]);
  return (
    await push(w, w.users.owner.token, [
      {
        measure: code,
        kind: 'forecast',
        period: '2027-04',
        value: 500,
        baseVersion: 1,
        note: 'lost',
      },
    ])
  ).results[0].changeRequestId as string;
}

describe('webhooks', () => {
  it('are registered by an admin of the node, for https or a local receiver; the secret is never answered', async () => {
    const w = await world();
    const ok = await register(w, 'ORG', 'https://hooks.example.com/gatecell', ['decision.made']);
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({
      id: expect.stringMatching(/^wh_/),
      node: 'ORG',
      url: 'https://hooks.example.com/gatecell',
      events: ['decision.made'],
      createdBy: w.users.admin.id,
      createdAt: w.clock.now.toISOString(),
    });
    expect(
      JSON.stringify((await w.call(w.users.admin.token, 'GET', '/nodes/ORG/webhooks')).body),
    ).not.toContain(SECRET);
    for (const url of [
      'http://hooks.example.com/x',
      'ftp://127.0.0.1/x',
      'not a url',
      'http://10.0.0.5/x',
    ])
      expect((await register(w, 'ORG', url, ['decision.made'])).status, url).toBe(400);
    expect((await register(w, 'ORG', 'https://x.example.com', [])).status).toBe(400);
    expect((await register(w, 'ORG', 'https://x.example.com', ['cell.changed'])).status).toBe(400);
    expect(
      (
        await w.call(w.users.admin.token, 'POST', '/nodes/ORG/webhooks', {
          url: 'https://x.example.com',
          events: ['decision.made'],
          secret: 'short',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await register(
          w,
          'ORG',
          'https://x.example.com',
          ['decision.made'],
          w.users.controller.token,
        )
      ).status,
    ).toBe(403);
    expect(
      (await register(w, 'ORG', 'https://x.example.com', ['decision.made'], w.users.outsider.token))
        .status,
    ).toBe(404);
    expect(
      (await w.call(w.users.controller.token, 'GET', '/nodes/ORG/webhooks/deliveries')).status,
    ).toBe(403);
    const listed = (await w.call(w.users.admin.token, 'GET', '/nodes/ORG/webhooks')).body.webhooks;
    expect(listed).toHaveLength(1);
  });

  it('post what happened under their node, signed, once, in the background; only the events asked for', async () => {
    const w = await world();
    const r = await receiver({ status: 204 });
    await register(w, 'ORG', r.url, ['request.waiting', 'decision.made']);
    const other = await receiver({ status: 204 });
    await register(w, 'OTHER', other.url, ['request.waiting', 'decision.made']);
    const onlyDecisions = await receiver({ status: 204 });
    await register(w, 'ORG-PKG', onlyDecisions.url, ['decision.made']);

    const id = await openRequest(w, 'M-WH');
    // Nothing is posted while the request is answered: the delivery waits in the record.
    expect(r.got).toHaveLength(0);
    // A round that finds nothing due takes no write lock.
    const writes = vi.spyOn(w.db, 'write');
    expect(await deliverDue({ db: w.db, now: () => new Date(w.clock.now.getTime() - 1000) })).toBe(
      0,
    );
    expect(writes).not.toHaveBeenCalled();
    writes.mockRestore();
    expect(await deliverDue(deps(w))).toBe(1);
    expect(await deliverDue(deps(w))).toBe(0);
    expect(r.got).toHaveLength(1);
    const [first] = r.got;
    const body = JSON.parse(first!.body);
    expect(first!.headers['x-gatecell-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(first!.body).digest('hex')}`,
    );
    expect(first!.headers['x-gatecell-event']).toBe('request.waiting');
    expect(first!.headers['x-gatecell-delivery']).toBe(body.id);
    expect(body).toMatchObject({
      event: 'request.waiting',
      node: 'ORG',
      by: { id: w.users.owner.id, name: 'owner' },
      text: 'Gatecell: 1 request waiting for a decision (M-WH).',
      items: [
        {
          action: 'change_request.opened',
          measure: 'M-WH',
          subject: id,
          waitingOn: {
            role: 'controller',
            user: { id: w.users.controller.id, name: 'controller' },
          },
        },
      ],
    });
    // The decision goes to both ORG's hook and the package's decisions-only hook; OTHER hears nothing.
    await w.call(w.users.controller.token, 'POST', `/change-requests/${id}/approve`, {
      comment: 'ok',
    });
    expect(await deliverDue(deps(w))).toBe(2);
    expect(r.got.map((g) => JSON.parse(g.body).event)).toEqual([
      'request.waiting',
      'decision.made',
    ]);
    expect(onlyDecisions.got.map((g) => JSON.parse(g.body).items[0].action)).toEqual([
      'change_request.approved',
    ]);
    expect(other.got).toHaveLength(0);
    const deliveries = (await w.call(w.users.admin.token, 'GET', '/nodes/ORG/webhooks/deliveries'))
      .body.deliveries;
    expect(deliveries).toHaveLength(3);
    expect(
      deliveries.every(
        (d: any) => d.status === 'delivered' && d.attempts === 1 && d.lastStatus === 204,
      ),
    ).toBe(true);
  });

  it('a failing receiver is tried again with backoff, then given up a day after; a slow one holds up no request', async () => {
    const w = await world();
    const failing = await receiver({ status: 500 });
    await register(w, 'ORG', failing.url, ['request.waiting']);
    await openRequest(w, 'M-WF');
    const state = async () =>
      (await w.call(w.users.admin.token, 'GET', '/nodes/ORG/webhooks/deliveries')).body
        .deliveries[0];
    const later = (ms: number) => (w.clock.now = new Date(w.clock.now.getTime() + ms));
    expect(await deliverDue(deps(w))).toBe(1);
    const start = w.clock.now.getTime();
    expect(await state()).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatus: 500,
      lastError: 'HTTP 500',
      nextAttemptAt: new Date(start + 30_000).toISOString(),
    });
    later(29_000);
    expect(await deliverDue(deps(w))).toBe(0);
    later(1_000);
    expect(await deliverDue(deps(w))).toBe(1);
    expect((await state()).nextAttemptAt).toBe(new Date(start + 30_000 + 60_000).toISOString());
    // Still failing a day after it was made: given up, and never tried again.
    later(DAY);
    expect(await deliverDue(deps(w))).toBe(1);
    expect(await state()).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null });
    later(DAY);
    expect(await deliverDue(deps(w))).toBe(0);
    expect(failing.got).toHaveLength(3);

    // A receiver that takes 1.5 s: the request that causes the delivery does not wait for it.
    const slow = await receiver({ status: 200, delayMs: 1500 });
    await register(w, 'ORG', slow.url, ['decision.made']);
    const id = (await w.call(w.users.controller.token, 'GET', '/change-requests?scope=M-WF')).body
      .changeRequests[0].id;
    const t0 = performance.now();
    expect(
      (
        await w.call(w.users.controller.token, 'POST', `/change-requests/${id}/approve`, {
          comment: 'ok',
        })
      ).status,
    ).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(slow.got).toHaveLength(0);
    await deliverDue(deps(w));
    expect(slow.got).toHaveLength(1);
  });

  it('two instances sweeping and delivering at once raise and tell each escalation once', async () => {
    const w = await world();
    const r = await receiver({ status: 200 });
    await register(w, 'ORG', r.url, ['exception.escalated']);
    await measure(w, 'M-W2');
    for (const title of ['Supplier A late', 'Supplier B late'])
      await w.call(w.users.owner.token, 'POST', '/exceptions', {
        measure: 'M-W2',
        type: 'supplier_delay',
        title,
        decisionNeeded: 'Find another supplier or re-plan.',
        valueAtStake: 100,
        dueDate: '2027-02-01',
      });
    // Raised at level 1: nobody is told yet.
    expect(await deliverDue(deps(w))).toBe(0);
    // Another instance's connection to the same file. In one process a wait for SQLite's lock
    // blocks the thread the lock holder needs: short waits, retried, as Db does under contention.
    const second = new Db({ url: `file:${join(w.dir, 'test.db')}`, busyTimeoutMs: 20 });
    try {
      w.clock.now = new Date(w.clock.now.getTime() + 7 * DAY + 1000);
      await Promise.all([sweep(deps(w)), sweep(deps(w, second))]);
      await Promise.all([deliverDue(deps(w)), deliverDue(deps(w, second))]);
      await Promise.all([deliverDue(deps(w)), deliverDue(deps(w, second))]);
    } finally {
      second.close();
    }
    expect(r.got).toHaveLength(1);
    const body = JSON.parse(r.got[0]!.body);
    expect(body.items.map((i: any) => [i.action, i.after.level])).toEqual([
      ['exception.escalated', 2],
      ['exception.escalated', 2],
    ]);
  });

  it('removed by an admin: nothing more is posted, what was pending is given up, the history stays', async () => {
    const w = await world();
    const r = await receiver({ status: 500 });
    const hook = (await register(w, 'ORG', r.url, ['request.waiting'])).body;
    await openRequest(w, 'M-WR');
    expect(await deliverDue(deps(w))).toBe(1);
    // Only an admin of its node removes it; elsewhere it is unknown.
    expect(
      (await w.call(w.users.controller.token, 'DELETE', `/nodes/ORG/webhooks/${hook.id}`)).status,
    ).toBe(403);
    expect(
      (await w.call(w.users.admin.token, 'DELETE', `/nodes/ORG-PKG/webhooks/${hook.id}`)).status,
    ).toBe(404);
    const removed = await w.call(w.users.admin.token, 'DELETE', `/nodes/ORG/webhooks/${hook.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body.id).toBe(hook.id);
    expect((await w.call(w.users.admin.token, 'GET', '/nodes/ORG/webhooks')).body.webhooks).toEqual(
      [],
    );
    expect(
      (await w.call(w.users.admin.token, 'DELETE', `/nodes/ORG/webhooks/${hook.id}`)).status,
    ).toBe(404);
    // The pending delivery is given up and never tried again; new events are not queued for it.
    w.clock.now = new Date(w.clock.now.getTime() + 3_600_000);
    await openRequest(w, 'M-WS');
    expect(await deliverDue(deps(w))).toBe(0);
    expect(r.got).toHaveLength(1);
    const deliveries = (await w.call(w.users.admin.token, 'GET', '/nodes/ORG/webhooks/deliveries'))
      .body.deliveries;
    expect(deliveries).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempts: 1,
        lastError: 'the webhook was removed',
      }),
    ]);
    const audit = (await w.call(w.users.admin.token, 'GET', '/audit?scope=ORG')).body.events;
    expect(audit.map((e: { action: string }) => e.action)).toContain('webhook.removed');
  });
});
