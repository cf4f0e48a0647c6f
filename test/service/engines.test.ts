// One property suite for both push engines (as Hono holds all its routers to one suite): the bulk
// engine the service runs and the straightforward reference, given the same record and the same
// batch, answer the same outcomes and leave the same cells, change requests and audit events.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CELL_KINDS, OUTCOMES } from '../../shared/model.js';
import type { PushResult } from '../../shared/api/schemas.js';
import { actorFor } from '../../server/http/auth.js';
import { writeAs } from '../../server/http/write.js';
import { applyChanges, type EngineChange } from '../../server/features/sync/engine.js';
import { applyChangesOneByOne } from '../../server/features/sync/reference.js';
import { ADMIN_TOKEN, advance, measure, push, type World, world } from '../helpers.js';

type Engine = (w: World, token: string, changes: EngineChange[]) => Promise<PushResult[]>;

const run =
  (apply: 'bulk' | 'reference'): Engine =>
  async (w, token, changes) => {
    const deps = { db: w.db, now: () => w.clock.now, adminToken: ADMIN_TOKEN };
    const actor = await actorFor(deps, token);
    const source = { workbook: 'Plan.xlsx', sheet: 'Forecast' };
    return writeAs(deps, actor.userId, null, async (x) =>
      apply === 'bulk'
        ? (await applyChanges(x, actor, changes, source)).results()
        : applyChangesOneByOne(x, actor, changes, source),
    );
  };
const ENGINES = { bulk: run('bulk'), reference: run('reference') };

/** What a batch left, without what differs by nature between two databases (ids, times, people). */
async function aftermath(w: World, codes: string[], since: number, results: PushResult[]) {
  const inCodes = `n.code IN (${codes.map(() => '?').join(', ')})`;
  const cells = await w.db.client.execute({
    sql: `SELECT n.code, c.kind, c.period, c.value, c.version, c.ref_month, c.ref_value FROM cells c
          JOIN nodes n ON n.id = c.measure_id WHERE ${inCodes} ORDER BY n.code, c.kind, c.period`,
    args: codes,
  });
  const requests = await w.db.client.execute({
    sql: `SELECT r.id, n.code, r.kind, r.period, r.base_version, r.old_value, r.new_value, r.note, r.reason_code,
            r.status, r.decision_comment, r.source FROM change_requests r JOIN nodes n ON n.id = r.measure_id
          WHERE ${inCodes} ORDER BY r.rowid`,
    args: codes,
  });
  const audit = await w.call(ADMIN_TOKEN, 'GET', `/audit?since=${since}&limit=10000`);
  const events = (audit.body.events as Record<string, unknown>[]).map(
    ({ action, node, subject, before, after, source }) => ({
      action,
      node,
      subject,
      before,
      after,
      source,
    }),
  );
  const text = JSON.stringify({ results, cells: cells.rows, requests: requests.rows, events });
  // Request and exception ids are random: numbered in order of appearance instead.
  const ids = new Map<string, string>();
  return JSON.parse(
    text.replace(/\b(cr|ex)_[0-9a-f-]{36}/g, (id) => {
      if (!ids.has(id)) ids.set(id, `${id.slice(0, 2)}#${ids.size}`);
      return ids.get(id)!;
    }),
  ) as unknown;
}

const lastSeq = async (w: World) =>
  Number(
    (await w.db.client.execute('SELECT coalesce(max(last_seq), 0) AS seq FROM audit_batches'))
      .rows[0]!.seq,
  );

describe('the bulk engine and the reference engine', () => {
  let worlds: Record<keyof typeof ENGINES, World>;
  beforeAll(async () => {
    worlds = { bulk: await world(), reference: await world() };
  });

  let made = 0;
  const seen = new Set<string>();
  /** Two measures of the same fresh state in both worlds: A in Defined, B in Detailed with a request waiting. */
  async function freshMeasures() {
    const n = ++made;
    const codes = { A: `A-${n}`, B: `B-${n}` };
    for (const w of Object.values(worlds)) {
      await measure(w, codes.A);
      // A forecast moved this month already: further changes are measured from 1,000, not 1,080.
      await push(w, w.users.owner.token, [
        { measure: codes.A, kind: 'target', period: '2027-03', value: 1000 },
        { measure: codes.A, kind: 'forecast', period: '2027-03', value: 1000 },
      ]);
      await push(w, w.users.owner.token, [
        { measure: codes.A, kind: 'forecast', period: '2027-03', value: 1080 },
      ]);
      await measure(w, codes.B);
      await advance(w, codes.B, 'detailed');
      // A request already waits on B's March target: a batch's change of it replaces the request.
      const [waiting] = (
        await push(w, w.users.owner.token, [
          { measure: codes.B, kind: 'target', period: '2027-03', value: 1200, baseVersion: 1 },
        ])
      ).results;
      if (waiting.outcome !== 'pending') throw new Error(`set-up: ${JSON.stringify(waiting)}`);
    }
    return codes;
  }

  // Few cells, values about the thresholds: a batch often changes a cell twice, replaces a request,
  // or crosses the materiality of a forecast already moved this month.
  const change = fc.record(
    {
      measure: fc.constantFrom('A', 'B', 'A', 'B', 'unknown'),
      kind: fc.constantFrom(...CELL_KINDS, 'forecast', 'target'),
      period: fc.constantFrom('2027-03', '2027-03', '2027-03', '2027-01', '2026-12', '2027-07'),
      value: fc.oneof(
        fc.constantFrom(900, 1000, 1050, 1080, 1150, 1300, 2500.5),
        fc.integer({ min: -3000, max: 3000 }),
        fc.constantFrom(1.234, '1,200.00', null, 'twelve'),
      ),
      baseVersion: fc.constantFrom(0, 1, 1, 2, 2, 3),
      note: fc.constantFrom('why', ' ', 'a\u0000b'),
      cell: fc.constantFrom('B7', 'C9'),
    },
    { requiredKeys: ['measure', 'kind', 'period', 'value'] },
  );

  it('answer and write the same for any batch, cells changed twice and requests replaced included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(change, { minLength: 1, maxLength: 20 }),
        fc.constantFrom('owner', 'planner2', 'controller') as fc.Arbitrary<
          'owner' | 'planner2' | 'controller'
        >,
        async (batch, who) => {
          const codes = await freshMeasures();
          const changes = batch.map((c) => ({
            ...c,
            measure: c.measure === 'unknown' ? 'NOPE' : codes[c.measure as 'A' | 'B'],
          })) as EngineChange[];
          const after: Record<string, unknown> = {};
          for (const [name, engine] of Object.entries(ENGINES)) {
            const w = worlds[name as keyof typeof ENGINES];
            const since = await lastSeq(w);
            const results = await engine(w, w.users[who].token, changes);
            for (const r of results) seen.add(r.outcome);
            after[name] = await aftermath(w, Object.values(codes), since, results);
          }
          expect(after.bulk).toEqual(after.reference);
        },
      ),
      {
        numRuns: 40,
        // First, a batch that surely reaches every outcome: applied (a new target of A), pending
        // (B's waiting target, replaced), conflict (A's target on an old version), rejected.
        examples: [
          [
            [
              { measure: 'A', kind: 'target', period: '2027-01', value: 100, baseVersion: 0 },
              { measure: 'B', kind: 'target', period: '2027-03', value: 1300, baseVersion: 1 },
              { measure: 'A', kind: 'target', period: '2027-03', value: 900, baseVersion: 3 },
              { measure: 'unknown', kind: 'forecast', period: '2027-03', value: 1 },
            ],
            'owner',
          ],
        ],
      },
    );
    // The batches reached every outcome, so the suite compared more than refusals.
    expect([...seen].sort()).toEqual([...OUTCOMES].sort());
  });
});
