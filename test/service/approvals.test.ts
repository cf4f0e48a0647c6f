import { describe, expect, it } from 'vitest';
import { measure, plan, push, world } from '../helpers.js';

describe('change requests', async () => {
  const w = await world();
  const { users } = w;
  /** A measure of its own for one test: target and forecast of 1,000 a month (version 1). */
  let made = 0;
  const fresh = async () => {
    const code = `M-AP${++made}`;
    await measure(w, code);
    await push(w, users.owner.token, [
      ...plan(code, 'target', 1000),
      ...plan(code, 'forecast', 1000),
    ]);
    return code;
  };
  /** A material forecast change of `code`, waiting for the controller: its request's id. */
  const request = async (code: string, period: string, value: number) =>
    (
      await push(
        w,
        users.owner.token,
        [
          {
            measure: code,
            kind: 'forecast',
            period,
            value,
            baseVersion: 1,
            note: 'lost customer',
            cell: 'C7',
          },
        ],
        undefined,
      )
    ).results[0].changeRequestId as string;
  const value = async (code: string, period: string) =>
    (
      await w.call(
        users.viewer.token,
        'GET',
        `/cells?scope=${code}&kinds=forecast&from=${period}&to=${period}`,
      )
    ).body.cells[0];

  it('lists open requests with what each waits on and whom, and where it came from', async () => {
    const code = await fresh();
    const id = await request(code, '2027-02', 700);
    const list = (
      await w.call(users.controller.token, 'GET', `/change-requests?status=pending&scope=${code}`)
    ).body.changeRequests;
    expect(list).toEqual([
      expect.objectContaining({
        id,
        measure: code,
        title: expect.any(String),
        periodTarget: 1000,
        kind: 'forecast',
        period: '2027-02',
        oldValue: 1000,
        value: 700,
        baseVersion: 1,
        note: 'lost customer',
        reason: 'MATERIAL_CHANGE',
        requestedBy: { id: users.owner.id, name: 'owner' },
        waitingOn: {
          role: 'controller',
          user: { id: users.controller.id, name: 'controller' },
          formerly: null,
        },
        source: { workbook: 'Plan.xlsx', sheet: 'Forecast', cell: 'C7' },
      }),
    ]);
    expect(
      (await w.call(users.outsider.token, 'GET', '/change-requests')).body.changeRequests,
    ).toEqual([]);
    expect(list[0].mayDecide).toBe(true);
    const others = await Promise.all(
      [users.owner, users.controller2, users.steering].map((u) =>
        w.call(u.token, 'GET', `/change-requests?scope=${code}`),
      ),
    );
    expect(others.map((r) => r.body.changeRequests[0].mayDecide)).toEqual([false, false, false]);
  });

  it("only the measure's named controller decides; nobody approves their own request", async () => {
    const code = await fresh();
    await request(code, '2027-02', 700);
    const id = (await w.call(users.controller.token, 'GET', `/change-requests?scope=${code}`)).body
      .changeRequests[0].id;
    expect(
      (
        await w.call(users.controller2.token, 'POST', `/change-requests/${id}/approve`, {
          comment: '',
        })
      ).status,
    ).toBe(403);
    expect(
      (await w.call(users.owner.token, 'POST', `/change-requests/${id}/approve`, { comment: '' }))
        .status,
    ).toBe(403);
    expect(
      (
        await w.call(users.steering.token, 'POST', `/change-requests/${id}/approve`, {
          comment: '',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await w.call(users.outsider.token, 'POST', `/change-requests/${id}/approve`, {
          comment: '',
        })
      ).status,
    ).toBe(404);
  });

  it('approval makes the requested value the record, with a new version', async () => {
    const code = await fresh();
    await request(code, '2027-02', 700);
    const id = (await w.call(users.controller.token, 'GET', `/change-requests?scope=${code}`)).body
      .changeRequests[0].id;
    const r = await w.call(users.controller.token, 'POST', `/change-requests/${id}/approve`, {
      comment: 'agreed in S&OP',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'approved',
      decidedBy: { id: users.controller.id },
      comment: 'agreed in S&OP',
    });
    expect(await value(code, '2027-02')).toEqual({
      measure: code,
      kind: 'forecast',
      period: '2027-02',
      value: 700,
      version: 2,
    });
    expect(
      (
        await w.call(users.controller.token, 'POST', `/change-requests/${id}/approve`, {
          comment: '',
        })
      ).status,
    ).toBe(409);
  });

  it('rejection needs a comment and keeps the approved value', async () => {
    const code = await fresh();
    const id = await request(code, '2027-03', 600);
    expect(
      (
        await w.call(users.controller.token, 'POST', `/change-requests/${id}/reject`, {
          comment: ' ',
        })
      ).status,
    ).toBe(422);
    const r = await w.call(users.controller.token, 'POST', `/change-requests/${id}/reject`, {
      comment: 'no evidence',
    });
    expect(r.body.status).toBe('rejected');
    expect(await value(code, '2027-03')).toMatchObject({ value: 1000, version: 1 });
  });

  it('approving after the cell changed answers 409 and withdraws the request', async () => {
    const code = await fresh();
    const id = await request(code, '2027-04', 500);
    await push(w, users.owner.token, [
      { measure: code, kind: 'forecast', period: '2027-04', value: 1010, baseVersion: 1 },
    ]);
    const r = await w.call(users.controller.token, 'POST', `/change-requests/${id}/approve`, {
      comment: 'ok',
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('STALE_REQUEST');
    expect(await value(code, '2027-04')).toMatchObject({ value: 1010, version: 2 });
    const withdrawn = (
      await w.call(users.controller.token, 'GET', `/change-requests?scope=${code}&status=withdrawn`)
    ).body.changeRequests;
    expect(withdrawn.map((x: any) => x.id)).toContain(id);
  });

  it('a pull shows open requests on stored cells and on cells never stored, in measure, kind, period order', async () => {
    await measure(w, 'M-A2');
    await push(w, users.owner.token, [
      { measure: 'M-A2', kind: 'target', period: '2027-02', value: 10 },
      { measure: 'M-A2', kind: 'forecast', period: '2027-04', value: 5 },
    ]);
    await w.db.client.execute(
      "UPDATE measures SET stage = 'detailed' WHERE node_id = (SELECT id FROM nodes WHERE code = 'M-A2')",
    );
    const r = await push(w, users.owner.token, [
      { measure: 'M-A2', kind: 'target', period: '2027-03', value: 70 },
      { measure: 'M-A2', kind: 'target', period: '2027-02', value: 12, baseVersion: 1 },
    ]);
    expect(r.results.map((x: any) => x.outcome)).toEqual(['pending', 'pending']);
    const cells = (await w.call(users.viewer.token, 'GET', '/cells?scope=M-A2')).body.cells;
    expect(cells).toEqual([
      { measure: 'M-A2', kind: 'forecast', period: '2027-04', value: 5, version: 1 },
      {
        measure: 'M-A2',
        kind: 'target',
        period: '2027-02',
        value: 10,
        version: 1,
        pending: { changeRequestId: r.results[1].changeRequestId, value: 12 },
      },
      {
        measure: 'M-A2',
        kind: 'target',
        period: '2027-03',
        value: null,
        version: 0,
        pending: { changeRequestId: r.results[0].changeRequestId, value: 70 },
      },
    ]);
    const targets = (
      await w.call(users.viewer.token, 'GET', '/cells?scope=M-A2&kinds=target&from=2027-04')
    ).body.cells;
    expect(targets).toEqual([]);
  });

  it('from Detailed on, baseline and target changes wait for the controller (APPROVAL_REQUIRED)', async () => {
    const code = await fresh();
    await w.db.client.execute({
      sql: "UPDATE measures SET stage = 'detailed' WHERE node_id = (SELECT id FROM nodes WHERE code = ?)",
      args: [code],
    });
    const r = await push(w, users.owner.token, [
      { measure: code, kind: 'target', period: '2027-05', value: 1200, baseVersion: 1 },
    ]);
    expect(r.results[0]).toMatchObject({
      outcome: 'pending',
      value: 1000,
      reason: { code: 'APPROVAL_REQUIRED' },
    });
    await w.call(
      users.controller.token,
      'POST',
      `/change-requests/${r.results[0].changeRequestId}/approve`,
      { comment: 'validated' },
    );
    expect(
      (
        await w.call(
          users.viewer.token,
          'GET',
          `/cells?scope=${code}&kinds=target&from=2027-05&to=2027-05`,
        )
      ).body.cells[0],
    ).toMatchObject({ value: 1200, version: 2 });
  });
});
