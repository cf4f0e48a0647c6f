import { describe, expect, it, vi } from 'vitest';
import { key, measure, PERIODS, plan, push, world } from '../helpers.js';

describe('push: the four outcomes', async () => {
  const w = await world();
  const { users } = w;
  const owner = users.owner.token;
  await measure(w, 'M-P');
  await push(w, owner, plan('M-P', 'target', 1000));
  await push(w, owner, plan('M-P', 'forecast', 1000));
  /** A measure of its own for one test: a target and a forecast of 1,000 in every month (version 1). */
  let made = 0;
  const planned = async () => {
    const code = `M-P${++made}`;
    await measure(w, code);
    await push(w, owner, plan(code, 'target', 1000));
    await push(w, owner, plan(code, 'forecast', 1000));
    return code;
  };
  /** The forecast of March moved once within tolerance: 1,050.25, version 2. */
  const movedOnce = async () => {
    const code = await planned();
    await push(w, owner, [
      { measure: code, kind: 'forecast', period: '2027-03', value: 1050.25, baseVersion: 1 },
    ]);
    return code;
  };
  const cell = async (kind: string, period: string, code = 'M-P') =>
    (await w.call(owner, 'GET', `/cells?scope=${code}&kinds=${kind}&from=${period}&to=${period}`))
      .body.cells[0];

  it('applied within tolerance: the value is now the record, version +1', async () => {
    const code = await planned();
    const r = await push(w, owner, [
      {
        measure: code,
        kind: 'forecast',
        period: '2027-03',
        value: 1050.25,
        baseVersion: 1,
        cell: 'F12',
      },
    ]);
    expect(r.results).toEqual([{ index: 0, outcome: 'applied', value: 1050.25, version: 2 }]);
    expect(await cell('forecast', '2027-03', code)).toEqual({
      measure: code,
      kind: 'forecast',
      period: '2027-03',
      value: 1050.25,
      version: 2,
    });
  });

  it('material without a note: rejected NOTE_REQUIRED; with a note: pending, the approved value stays', async () => {
    const code = await planned();
    const noNote = await push(w, owner, [
      { measure: code, kind: 'forecast', period: '2027-04', value: 500, baseVersion: 1 },
    ]);
    expect(noNote.results[0]).toMatchObject({
      outcome: 'rejected',
      value: 1000,
      version: 1,
      reason: { code: 'NOTE_REQUIRED' },
    });
    const withNote = await push(w, owner, [
      {
        measure: code,
        kind: 'forecast',
        period: '2027-04',
        value: 500,
        baseVersion: 1,
        note: 'customer lost',
      },
    ]);
    expect(withNote.results[0]).toMatchObject({
      outcome: 'pending',
      value: 1000,
      version: 1,
      changeRequestId: expect.stringMatching(/^cr_/),
      reason: { code: 'MATERIAL_CHANGE' },
    });
    expect(await cell('forecast', '2027-04', code)).toMatchObject({
      value: 1000,
      version: 1,
      pending: { changeRequestId: withNote.results[0].changeRequestId, value: 500 },
    });
  });

  it('a new material change on a cell with a pending request replaces it', async () => {
    const code = await planned();
    const material = (value: number, note: string) => ({
      measure: code,
      kind: 'forecast',
      period: '2027-04',
      value,
      baseVersion: 1,
      note,
    });
    const first = await push(w, owner, [material(500, 'customer lost')]);
    const again = await push(w, owner, [material(400, 'worse')]);
    const list = async (status: string) =>
      (
        await w.call(
          users.controller.token,
          'GET',
          `/change-requests?scope=${code}&status=${status}`,
        )
      ).body.changeRequests;
    expect(await list('pending')).toEqual([
      expect.objectContaining({
        id: again.results[0].changeRequestId,
        value: 400,
        oldValue: 1000,
      }),
    ]);
    expect((await list('withdrawn')).map((r: any) => r.id)).toEqual([
      first.results[0].changeRequestId,
    ]);
  });

  it('two material changes of one cell in one batch: the later waits, the earlier is withdrawn', async () => {
    await measure(w, 'M-TWICE');
    await push(w, owner, [
      { measure: 'M-TWICE', kind: 'target', period: '2027-05', value: 1000 },
      { measure: 'M-TWICE', kind: 'forecast', period: '2027-05', value: 1000 },
    ]);
    const change = (value: number) => ({
      measure: 'M-TWICE',
      kind: 'forecast',
      period: '2027-05',
      value,
      baseVersion: 1,
      note: 'supplier',
    });
    const r = await push(w, owner, [change(500), change(400)]);
    expect(r.results.map((x) => x.outcome)).toEqual(['pending', 'pending']);
    const list = async (status: string) =>
      (
        await w.call(
          users.controller.token,
          'GET',
          `/change-requests?scope=M-TWICE&status=${status}`,
        )
      ).body.changeRequests;
    expect((await list('pending')).map((x: any) => [x.id, x.value])).toEqual([
      [r.results[1].changeRequestId, 400],
    ]);
    expect((await list('withdrawn')).map((x: any) => [x.id, x.value, x.comment])).toEqual([
      [r.results[0].changeRequestId, 500, 'replaced by a newer change'],
    ]);
    expect((await cell('forecast', '2027-05', 'M-TWICE')).value).toBe(1000);
  });

  it('conflict on a stale version: the current value and version come back, nothing is overwritten', async () => {
    const code = await movedOnce();
    const r = await push(w, owner, [
      { measure: code, kind: 'forecast', period: '2027-03', value: 990, baseVersion: 1 },
    ]);
    expect(r.results[0]).toMatchObject({
      outcome: 'conflict',
      value: 1050.25,
      version: 2,
      reason: { code: 'STALE_VERSION' },
    });
    expect(await cell('forecast', '2027-03', code)).toMatchObject({ value: 1050.25, version: 2 });
  });

  it('same value resent: applied, no new version', async () => {
    const code = await movedOnce();
    const r = await push(w, owner, [
      { measure: code, kind: 'forecast', period: '2027-03', value: '1050.25', baseVersion: 2 },
    ]);
    expect(r.results[0]).toEqual({ index: 0, outcome: 'applied', value: 1050.25, version: 2 });
  });

  it('a change without baseVersion fills an empty cell and conflicts on a filled one', async () => {
    const code = await planned();
    await measure(w, 'M-Q');
    const r = await push(w, owner, [
      { measure: 'M-Q', kind: 'target', period: '2027-01', value: 10 },
      { measure: code, kind: 'target', period: '2027-01', value: 10 },
    ]);
    expect(r.results.map((x: any) => x.outcome)).toEqual(['applied', 'conflict']);
  });

  it('pending on an empty cell answers value null and version 0', async () => {
    await measure(w, 'M-EMPTY');
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { materialityAbs: 100 });
    const r = await push(w, owner, [
      { measure: 'M-EMPTY', kind: 'forecast', period: '2027-02', value: 5000, note: 'big' },
    ]);
    expect(r.results[0]).toMatchObject({ outcome: 'pending', value: null, version: 0 });
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { materialityAbs: null });
  });

  it('every reason code of a rejection', async () => {
    const code = await planned();
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { closedThrough: '2027-01' });
    const r = await push(w, owner, [
      { measure: code, kind: 'forecast', period: '2027-05', value: 'lots', baseVersion: 1 },
      { measure: 'M-NOPE', kind: 'forecast', period: '2027-05', value: 1 },
      { measure: code, kind: 'forecast', period: '2027-09', value: 1 },
      { measure: code, kind: 'forecast', period: '2027-01', value: 1001, baseVersion: 1 },
      { measure: code, kind: 'actual', period: '2027-01', value: 1 },
      { measure: code, kind: 'forecast', period: '2027-05', value: 1.234, baseVersion: 1 },
    ]);
    expect(r.results.map((x: any) => x.reason.code)).toEqual([
      'INVALID_VALUE',
      'UNKNOWN_MEASURE',
      'OUT_OF_WINDOW',
      'PERIOD_LOCKED',
      'FORBIDDEN',
      'INVALID_VALUE',
    ]);
    expect(
      r.results.every((x: any) => x.outcome === 'rejected' && x.reason.message.length > 10),
    ).toBe(true);
    const viewer = await push(w, users.viewer.token, [
      { measure: code, kind: 'forecast', period: '2027-05', value: 1000, baseVersion: 1 },
    ]);
    expect(viewer.results[0].reason.code).toBe('FORBIDDEN');
    const outsider = await push(w, users.outsider.token, [
      { measure: code, kind: 'forecast', period: '2027-05', value: 1000, baseVersion: 1 },
    ]);
    expect(outsider.results[0].reason.code).toBe('UNKNOWN_MEASURE'); // invisible is unknown
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { closedThrough: null });
  });

  it('a planner on the subtree edits the plan too; the controller enters actuals; the owner may not', async () => {
    const code = await planned();
    const r = await push(w, users.planner2.token, [
      { measure: code, kind: 'forecast', period: '2027-06', value: 1010, baseVersion: 1 },
    ]);
    expect(r.results[0].outcome).toBe('applied');
    const actual = await push(w, users.controller.token, [
      { measure: code, kind: 'actual', period: '2027-01', value: 990 },
    ]);
    expect(actual.results[0]).toMatchObject({ outcome: 'applied', value: 990, version: 1 });
    expect(
      (await push(w, owner, [{ measure: code, kind: 'actual', period: '2027-02', value: 990 }]))
        .results[0].reason.code,
    ).toBe('FORBIDDEN');
  });

  it('resending a batch with the same idempotency key returns the first answer and writes nothing', async () => {
    const k = key();
    const batch = [
      { measure: 'M-P', kind: 'forecast', period: '2027-05', value: 1020, baseVersion: 1 },
    ];
    const first = await push(w, owner, batch, k);
    const events = (await w.db.client.execute('SELECT COUNT(*) AS n FROM audit_batches')).rows[0]!
      .n;
    const second = await push(w, owner, batch, k);
    expect(second).toEqual(first);
    expect((await w.db.client.execute('SELECT COUNT(*) AS n FROM audit_batches')).rows[0]!.n).toBe(
      events,
    );
    expect(await cell('forecast', '2027-05')).toMatchObject({ value: 1020, version: 2 });
    // The key is per user: another user with the same key gets their own answer.
    const other = await push(
      w,
      users.planner2.token,
      [{ ...batch[0], value: 1030, baseVersion: 2 }],
      k,
    );
    expect(other.results[0]).toMatchObject({ outcome: 'applied', value: 1030, version: 3 });
  });

  it('a large answer, kept compressed, comes back whole on a resend', async () => {
    await measure(w, 'M-BIG');
    // Changes to measures no one can see: each answer carries its reason, and the measure's code.
    const batch = Array.from({ length: 3000 }, (_, i) => ({
      measure: i % 2 ? 'M-BIG' : `M-NONE-${(i * 7919) % 100_003}-${i}`,
      kind: 'target',
      period: `2027-0${(i % 9) + 1}`,
      value: i * 13 + 0.25,
    }));
    const k = key();
    const first = await push(w, owner, batch, k);
    expect(JSON.stringify(first).length).toBeGreaterThan(256 * 1024);
    expect(await push(w, owner, batch, k)).toEqual(first);
  });

  it('answers are kept 30 days for retries; a late resend cannot apply twice', async () => {
    const { forgetIdempotencyKeys } = await import('../../server/features/sync/routes.js');
    await measure(w, 'M-IDEM');
    await push(w, owner, [{ measure: 'M-IDEM', kind: 'target', period: '2027-05', value: 1000 }]);
    const k = key();
    const batch = [
      { measure: 'M-IDEM', kind: 'target', period: '2027-05', value: 1025, baseVersion: 1 },
    ];
    const first = await push(w, owner, batch, k);
    expect(first.results[0].outcome).toBe('applied');
    const start = w.clock.now;
    w.clock.now = new Date(start.getTime() + 29 * 86_400_000);
    await forgetIdempotencyKeys({ db: w.db, now: () => w.clock.now });
    expect(await push(w, owner, batch, k)).toEqual(first);
    w.clock.now = new Date(start.getTime() + 31 * 86_400_000);
    await forgetIdempotencyKeys({ db: w.db, now: () => w.clock.now });
    await push(w, users.planner2.token, [{ ...batch[0], value: 1026, baseVersion: 2 }]);
    const late = await push(w, owner, batch, k);
    expect(late.results[0]).toMatchObject({ outcome: 'conflict', value: 1026, version: 3 });
    w.clock.now = start;
  });

  it('a batch is one transaction: a failure part-way writes nothing', async () => {
    await measure(w, 'M-ATOM');
    // Make the database refuse one row of the batch, as a crash or disk error would mid-way.
    await w.db.client.execute(
      `CREATE TRIGGER fail_on_666 BEFORE INSERT ON cells WHEN NEW.value = 66600 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`,
    );
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const r = await w.call(owner, 'POST', '/sync/push', {
      idempotencyKey: key(),
      changes: [
        { measure: 'M-ATOM', kind: 'target', period: '2027-01', value: 100 },
        { measure: 'M-ATOM', kind: 'target', period: '2027-02', value: 666 },
      ],
    });
    errors.mockRestore();
    await w.db.client.execute('DROP TRIGGER fail_on_666');
    expect(r.status).toBe(500);
    expect((await w.call(owner, 'GET', '/cells?scope=M-ATOM')).body.cells).toEqual([]);
    const audit = await w.call(owner, 'GET', '/audit?scope=M-ATOM');
    expect(audit.body.events.map((e: any) => e.action)).toEqual(['measure.created']);
  });

  it('20 concurrent writers on one cell version: exactly one applies', async () => {
    const before = await cell('forecast', '2027-06');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        push(w, i % 2 ? owner : users.planner2.token, [
          {
            measure: 'M-P',
            kind: 'forecast',
            period: '2027-06',
            value: 1000 + i + 1,
            baseVersion: before.version,
          },
        ]),
      ),
    );
    const outcomes = answers.map((a) => a.results[0].outcome);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'conflict')).toHaveLength(19);
    const winner = answers.find((a) => a.results[0].outcome === 'applied')!.results[0];
    expect(await cell('forecast', '2027-06')).toMatchObject({
      value: winner.value,
      version: before.version + 1,
    });
    for (const a of answers)
      expect(a.results[0]).toMatchObject({ value: winner.value, version: before.version + 1 });
  });

  it('malformed batches are 400 and write nothing; over 100,000 changes is 413', async () => {
    const rev = (await w.call(owner, 'GET', '/cells?scope=M-P')).body.revision;
    for (const body of [
      {},
      { idempotencyKey: 'x' },
      {
        idempotencyKey: 'x',
        changes: [{ measure: 'M-P', kind: 'guess', period: '2027-01', value: 1 }],
      },
      { idempotencyKey: 'x', changes: 'all' },
    ]) {
      const r = await w.call(owner, 'POST', '/sync/push', body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('INVALID_REQUEST');
    }
    const big = {
      idempotencyKey: key(),
      changes: Array.from({ length: 100_001 }, () => ({
        measure: 'M-P',
        kind: 'forecast',
        period: '2027-01',
        value: 1,
      })),
    };
    const r = await w.call(owner, 'POST', '/sync/push', big);
    expect(r.status).toBe(413);
    expect((await w.call(owner, 'GET', '/cells?scope=M-P')).body.revision).toBe(rev);
  });

  it('GET /cells?editable=true answers the cells the caller may not change, and why', async () => {
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { closedThrough: '2027-02' });
    const owner = (
      await w.call(
        users.owner.token,
        'GET',
        '/cells?scope=M-P&kinds=forecast,actual&from=2027-02&to=2027-03&editable=true',
      )
    ).body;
    expect(owner.locks).toEqual([
      {
        measure: 'M-P',
        kind: 'forecast',
        period: '2027-02',
        reason: 'PERIOD_LOCKED',
        message: expect.any(String),
      },
      {
        measure: 'M-P',
        kind: 'actual',
        period: '2027-02',
        reason: 'FORBIDDEN',
        message: expect.any(String),
      },
      {
        measure: 'M-P',
        kind: 'actual',
        period: '2027-03',
        reason: 'FORBIDDEN',
        message: expect.any(String),
      },
    ]);
    const viewer = (
      await w.call(users.viewer.token, 'GET', '/cells?scope=M-P&kinds=forecast&editable=true')
    ).body;
    expect(viewer.locks).toHaveLength(6);
    expect(viewer.locks.every((l: any) => l.reason === 'FORBIDDEN')).toBe(true);
    expect((await w.call(users.owner.token, 'GET', '/cells?scope=M-P')).body.locks).toBeUndefined();
    await w.call(users.admin.token, 'PATCH', '/nodes/ORG/settings', { closedThrough: null });
  });

  it('revision rises once per committed batch; /sync/changes answers what changed after a revision', async () => {
    const code = await planned();
    const start = (await w.call(owner, 'GET', '/cells?scope=ORG')).body.revision;
    const r = await push(w, owner, [
      { measure: code, kind: 'forecast', period: '2027-02', value: 1001, baseVersion: 1 },
      { measure: code, kind: 'forecast', period: '2027-05', value: 1021, baseVersion: 1 },
    ]);
    expect(r.revision).toBe(start + 1);
    const changes = await w.call(
      users.viewer.token,
      'GET',
      `/sync/changes?since=${start}&scope=ORG`,
    );
    expect(changes.body.revision).toBe(start + 1);
    expect(changes.body.cells.map((c: any) => `${c.measure} ${c.period} ${c.value}`)).toEqual([
      `${code} 2027-02 1001`,
      `${code} 2027-05 1021`,
    ]);
    expect(changes.body.measures).toEqual([
      expect.objectContaining({
        code,
        stage: 'defined',
        implementationStatus: expect.any(String),
        potentialStatus: expect.any(String),
      }),
    ]);
    const none = await w.call(
      users.viewer.token,
      'GET',
      `/sync/changes?since=${start + 1}&scope=ORG`,
    );
    expect(none.body).toEqual({ revision: start + 1, cells: [], measures: [] });
    const nothing = await push(w, owner, [
      { measure: code, kind: 'forecast', period: '2027-02', value: 1001, baseVersion: 2 },
    ]);
    expect(nothing.revision).toBe(start + 1);
  });
});

describe('push: what is written is the record, exactly', async () => {
  const w = await world();
  // Node ids are rowids: after this node, the measure's id has 16 digits, as many as an exact id can.
  await w.db.client
    .execute(`INSERT INTO nodes (id, code, level, parent_id, org_id, path, name, created_at)
    VALUES (9007199254740000, 'FAR', 'organization', NULL, 9007199254740000, '/9007199254740000/', 'Far', '2027-01-01T00:00:00Z')`);
  await measure(w, 'M-W');

  it('every kind, negative, zero and the largest exact amount read back as pushed, each with its version, on a 16-digit measure id', async () => {
    expect((await w.db.client.execute("SELECT id FROM nodes WHERE code = 'M-W'")).rows[0]!.id).toBe(
      9_007_199_254_740_001,
    );
    const amounts = [-0.01, 0, 90_071_992_547_409.91, -90_071_992_547_409.91, 1234.5, 7];
    const planned = ['baseline', 'target', 'forecast'].flatMap((kind) =>
      PERIODS.map((period, i) => ({ measure: 'M-W', kind, period, value: amounts[i]! })),
    );
    const first = await push(w, w.users.owner.token, planned);
    expect(first.results.every((r) => r.outcome === 'applied' && r.version === 1)).toBe(true);
    const again = await push(
      w,
      w.users.owner.token,
      planned.map((c) => ({ ...c, value: c.value === 7 ? 7.01 : c.value, baseVersion: 1 })),
    );
    w.clock.now = new Date('2027-07-01T00:00:00Z'); // every month of the window has begun
    const actuals = await push(
      w,
      w.users.controller.token,
      PERIODS.map((period, i) => ({ measure: 'M-W', kind: 'actual', period, value: amounts[i]! })),
    );
    expect(again.results.map((r) => `${r.outcome} ${r.reason?.code ?? ''}`)).toEqual(
      planned.map(() => 'applied '),
    );
    expect(actuals.results.map((r) => r.outcome)).toEqual(PERIODS.map(() => 'applied'));
    const cells = (await w.call(w.users.viewer.token, 'GET', '/cells?scope=M-W')).body.cells;
    const expected = ['actual', 'baseline', 'forecast', 'target'].flatMap((kind) =>
      PERIODS.map((period, i) => ({
        measure: 'M-W',
        kind,
        period,
        value: kind !== 'actual' && i === 5 ? 7.01 : amounts[i],
        version: kind !== 'actual' && i === 5 ? 2 : 1,
      })),
    );
    expect(cells).toEqual(expected);
  });
});
