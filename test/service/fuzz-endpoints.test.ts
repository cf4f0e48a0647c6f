// Property: no body of arbitrary JSON or text, on any endpoint, answers 500 — and a refused
// request changes nothing (api-v1.md: "No request ever answers 500 for bad input").
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, measure, plan, push, world } from '../helpers.js';

describe('every endpoint, arbitrary bodies', async () => {
  const w = await world();
  const { users } = w;
  await measure(w, 'M-FZ');
  await push(w, users.owner.token, [
    ...plan('M-FZ', 'target', 1000),
    ...plan('M-FZ', 'forecast', 1000),
  ]);
  const cr = (
    await push(w, users.owner.token, [
      {
        measure: 'M-FZ',
        kind: 'forecast',
        period: '2027-02',
        value: 10,
        baseVersion: 1,
        note: 'x',
      },
    ])
  ).results[0].changeRequestId;
  const ms = (
    await w.call(users.owner.token, 'POST', '/measures/M-FZ/milestones', {
      title: 'T',
      due: '2027-05-01',
    })
  ).body.id;
  const gr = (
    await w.call(users.owner.token, 'POST', '/measures/M-FZ/gate', {
      to: 'cancelled',
      comment: 'x',
    })
  ).body.id;
  const dp = (
    await w.call(users.owner.token, 'POST', '/measures/M-FZ/dependencies', {
      title: 'IT',
      due: '2027-05-01',
    })
  ).body.id;
  const ex = (
    await w.call(users.owner.token, 'POST', '/exceptions', {
      measure: 'M-FZ',
      type: 'other',
      title: 'x',
      decisionNeeded: 'x',
      valueAtStake: 1,
      dueDate: '2027-05-01',
    })
  ).body.id;
  const endpoints: [string, string][] = [
    ['POST', '/users'],
    ['POST', '/nodes'],
    ['POST', '/nodes/ORG/roles'],
    ['PATCH', '/nodes/ORG/settings'],
    ['POST', '/measures'],
    ['PATCH', '/measures/M-FZ'],
    ['POST', '/measures/M-FZ/milestones'],
    ['POST', '/measures/M-FZ/risks'],
    ['POST', '/measures/M-FZ/dependencies'],
    [`PATCH`, `/milestones/${ms}`],
    ['POST', '/measures/M-FZ/gate'],
    ['POST', '/measures/M-FZ/hold'],
    ['POST', '/measures/M-FZ/resume'],
    ['POST', `/change-requests/${cr}/approve`],
    ['POST', `/change-requests/${cr}/reject`],
    ['POST', `/gate-requests/${gr}/approve`],
    ['POST', `/gate-requests/${gr}/reject`],
    ['POST', '/sync/push'],
    ['POST', '/import/actuals'],
    ['POST', '/exceptions/ex_nope/acknowledge'],
    ['POST', '/exceptions'],
    ['POST', `/exceptions/${ex}/decide`],
    ['PATCH', `/dependencies/${dp}`],
    ['POST', '/nodes/ORG/webhooks'],
    ['GET', '/decisions?scope=ORG&from=%00&to=2027-13-45'],
    ['GET', '/audit/verify?checkpoint=%7B%7D'],
  ];
  const tokens = [
    ADMIN_TOKEN,
    users.admin.token,
    users.owner.token,
    users.controller.token,
    users.sponsor.token,
  ];
  const state = async () => {
    const r = await w.db.client
      .execute(`SELECT (SELECT value FROM meta WHERE key = 'revision') AS revision, (SELECT COUNT(*) FROM audit_batches) AS batches,
      (SELECT COUNT(*) FROM nodes) AS nodes, (SELECT COUNT(*) FROM users) AS users, (SELECT group_concat(value || '@' || version) FROM cells) AS cells,
      (SELECT group_concat(id || status) FROM change_requests) AS requests, (SELECT group_concat(id || status) FROM gate_requests) AS gates,
      (SELECT group_concat(id || status || level) FROM exceptions) AS exceptions, (SELECT COUNT(*) FROM webhooks) AS webhooks,
      (SELECT group_concat(id || done || at_risk || risk_level || due) FROM dependencies) AS dependencies`);
    return r.rows[0];
  };
  const send = async (
    method: string,
    path: string,
    token: string,
    body: string,
    type = 'application/json',
  ) => {
    const res = await w.app.request(`/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body: method === 'GET' ? undefined : body,
    });
    await res.arrayBuffer();
    return res.status;
  };

  /** The property itself: never a 500, and a refusal leaves the record as it was. */
  const neverBrokenNorHalfDone = async (
    method: string,
    path: string,
    token: string,
    body: string,
    type?: string,
  ) => {
    const before = await state();
    const status = await send(method, path, token, body, type);
    expect(status).toBeLessThan(500);
    if (status >= 400) expect(await state()).toEqual(before);
  };

  it('arbitrary JSON: never 500; refused, nothing changed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        fc.constantFrom(...tokens),
        fc.jsonValue({ maxDepth: 4 }),
        ([method, path], token, body) =>
          neverBrokenNorHalfDone(method, path, token, JSON.stringify(body)),
      ),
      { numRuns: 400 },
    );
  });

  it('objects with the right keys and wrong values (texts with broken characters among them): never 500', async () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
    );
    const keys = [
      'name',
      'email',
      'code',
      'parentCode',
      'level',
      'userId',
      'role',
      'title',
      'comment',
      'to',
      'due',
      'severity',
      'ownerId',
      'sponsorId',
      'controllerId',
      'packageCode',
      'startPeriod',
      'endPeriod',
      'currency',
      'closedThrough',
      'materialityPct',
      'idempotencyKey',
      'changes',
      'done',
      'note',
      'declaredStatus',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        fc.constantFrom(...tokens),
        fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 }),
        ([method, path], token, body) =>
          neverBrokenNorHalfDone(method, path, token, JSON.stringify(body)),
      ),
      { numRuns: 400 },
    );
  });

  it('arbitrary text, as JSON and as CSV: never 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        fc.constantFrom(...tokens),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom('application/json', 'text/csv'),
        ([method, path], token, body, type) =>
          neverBrokenNorHalfDone(method, path, token, body, type),
      ),
      { numRuns: 300 },
    );
  });

  it('CSV files of arbitrary lines under a real header: never 500', async () => {
    const line = fc
      .tuple(
        fc.constantFrom('M-FZ', 'm-fz', 'NOPE', ''),
        fc.string({ maxLength: 8 }),
        fc.string({ unit: 'binary', maxLength: 12 }),
      )
      .map((cells) => cells.join(fc.sample(fc.constantFrom(',', ';', '\t'), 1)[0]));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 6 }), async (lines) => {
        const status = await send(
          'POST',
          '/import/actuals',
          users.controller.token,
          `measure,period,amount\n${lines.join('\n')}`,
          'text/csv',
        );
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});
