// Property: no push of arbitrary JSON answers 500, and only `applied` changes move the record.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measure, plan, push, world } from '../helpers.js';

describe('push never answers 500 and a refused change changes nothing', async () => {
  const w = await world();
  const { users } = w;
  await measure(w, 'M-Z');
  await push(w, users.owner.token, [
    ...plan('M-Z', 'target', 100),
    ...plan('M-Z', 'forecast', 100),
  ]);
  const snapshot = async () => {
    const rows = (
      await w.db.client.execute(
        'SELECT kind, period, value, version FROM cells ORDER BY kind, period',
      )
    ).rows;
    return new Map(rows.map((r) => [`${r.kind} ${r.period}`, `${r.value}@${r.version}`]));
  };
  const send = async (body: unknown) => {
    const r = await w.app.request('/api/v1/sync/push', {
      method: 'POST',
      headers: { authorization: `Bearer ${users.owner.token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as any };
  };

  it('whole bodies of arbitrary JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (body) => {
        const before = await snapshot();
        const r = await send(body);
        expect([200, 400]).toContain(r.status);
        if (r.status === 400) expect(await snapshot()).toEqual(before);
      }),
      { numRuns: 150 },
    );
  });

  it('raw text that is not JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), async (text) => {
        const r = await send(text);
        expect(r.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });

  const change = fc.record(
    {
      measure: fc.oneof(fc.constant('M-Z'), fc.constant('ORG-PKG'), fc.string({ maxLength: 8 })),
      kind: fc.constantFrom('baseline', 'target', 'forecast', 'actual'),
      period: fc.oneof(
        fc.constantFrom('2026-12', '2027-01', '2027-03', '2027-06', '2027-07'),
        fc.string({ maxLength: 7 }),
      ),
      value: fc.oneof(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.double(),
        fc.string({ maxLength: 10 }),
        fc.constant(null),
        fc.jsonValue(),
      ),
      baseVersion: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      note: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
    },
    { requiredKeys: ['measure', 'kind', 'period', 'value'] },
  );

  it('batches of arbitrary changes: the record moves exactly where a change was applied', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(change, { maxLength: 8 }), async (changes) => {
        const before = await snapshot();
        const r = await send({ idempotencyKey: `fuzz-${++n}`, changes });
        expect([200, 400]).toContain(r.status);
        const after = await snapshot();
        if (r.status !== 200) {
          expect(after).toEqual(before);
          return;
        }
        const applied = new Set<string>();
        r.body.results.forEach((res: any, i: number) => {
          if (res.outcome === 'applied') applied.add(`${changes[i]!.kind} ${changes[i]!.period}`);
        });
        for (const [cell, value] of after)
          if (!applied.has(cell)) expect(value, cell).toBe(before.get(cell));
        for (const cell of before.keys()) expect(after.has(cell)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
