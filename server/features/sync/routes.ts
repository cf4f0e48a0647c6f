// The workbook's side of the record: pull cells, push a batch, follow changes, import actuals.
import { promisify } from 'node:util';
import { deflateRaw, inflateRawSync } from 'node:zlib';
import { Hono } from 'hono';
import {
  CellsQuery,
  ChangesQuery,
  ImportQuery,
  MAX_PUSH_CHANGES,
  PushChange,
  type PushChangeBody,
  PushEnvelope,
} from '../../../shared/api/schemas.js';
import { mayImportActuals } from '../../../shared/domain/access.js';
import { answerOf, forgetAnswersBefore, keepAnswer } from './store.js';
import { documented } from '../../http/openapi.js';
import {
  CellsAnswer,
  ChangesAnswer,
  PushAnswer,
  ImportAnswer,
} from '../../../shared/api/answers.js';
import type { AppEnv, Deps } from '../../http/env.js';
import { forbidden } from '../../http/errors.js';
import { jsonOfParts } from '../../http/parts.js';
import { JsonBytes } from '../../json-bytes.js';
import { validate, validateBatch } from '../../http/validate.js';
import { currentRevision } from '../../db/revision.js';
import { write } from '../../http/write.js';
import { settingsByOrg, visibleScope } from '../hierarchy/store.js';
import { measuresForRules } from '../measures/store.js';
import { measureSummaries } from '../measures/store.js';
import { cellsChangedSince, cellsTextUnder, locksUnder } from './cells.js';
import { applyChanges, type EngineChange } from './engine.js';
import { groupLedgerLines, ledgerOutcomes, readLedgerCsv } from './ledger.js';

const deflate = promisify(deflateRaw);
/** How long a push's answer is kept for retries with its idempotency key. */
export const IDEMPOTENCY_DAYS = 30;

/**
 * Forgets answers older than IDEMPOTENCY_DAYS. A batch resent later still cannot apply twice:
 * its base versions are stale by then, so it comes back as conflicts.
 */
export async function forgetIdempotencyKeys(deps: Deps) {
  const before = new Date(deps.now().getTime() - IDEMPOTENCY_DAYS * 86_400_000).toISOString();
  await deps.db.write((tx) => forgetAnswersBefore(tx, before));
}

export const syncRoutes = (deps: Deps) =>
  new Hono<AppEnv>()
    .get(
      '/cells',
      documented({
        tag: 'Sync',
        summary:
          'The record’s cells of a scope (a pull); with editable=true, the cells the caller may not change and why',
        answers: { 200: CellsAnswer },
      }),
      validate('query', CellsQuery),
      async (c) => {
        const q = c.req.valid('query');
        const actor = c.get('actor');
        const { node, prefixes } = await visibleScope(deps.db.read, actor, q.scope);
        const revision = await currentRevision(deps.db.read); // read first: a cell changed meanwhile comes again next time
        // The cells as SQLite wrote them (CellsAnswer's shape, held to presentCells by the tests).
        const locks = q.editable
          ? `,"locks":${JSON.stringify(await locksUnder(deps.db.read, actor, prefixes, q, deps.now()))}`
          : '';
        const cells = await cellsTextUnder(deps.db.read, prefixes, q, node.org_id);
        return jsonOfParts(
          c,
          (async function* () {
            yield `{"revision":${revision},"cells":`;
            yield* cells;
            yield `${locks}}`;
          })(),
        );
      },
    )

    .get(
      '/sync/changes',
      documented({
        tag: 'Sync',
        summary: 'What changed in a scope since a revision: cells, decisions on requests, measures',
        answers: { 200: ChangesAnswer },
      }),
      validate('query', ChangesQuery),
      async (c) => {
        const q = c.req.valid('query');
        const actor = c.get('actor');
        const { prefixes } = await visibleScope(deps.db.read, actor, q.scope);
        const revision = await currentRevision(deps.db.read);
        const [cells, measures] = await Promise.all([
          cellsChangedSince(deps.db.read, prefixes, q.since),
          measureSummaries(deps.db.read, deps.now(), prefixes, q.since),
        ]);
        return c.json({ revision, cells, measures }, 200);
      },
    )

    .post(
      '/sync/push',
      documented({
        tag: 'Sync',
        summary: 'Push a batch of cell changes: each applied, pending, rejected or a conflict',
        answers: { 200: PushAnswer },
      }),
      validateBatch(PushEnvelope, 'changes', PushChange, MAX_PUSH_CHANGES),
      async (c) => {
        const body = c.req.valid('json');
        const changes = body.changes as PushChangeBody[];
        const actor = c.get('actor');
        // The answer is serialized once, as UTF-8: stored for retries and sent as the same bytes.
        const answer = await write(deps, c, async (w) => {
          const seen = await answerOf(w.tx, actor.userId, body.idempotencyKey);
          if (seen) return inflateRawSync(Buffer.from(seen));
          const outcomes = await applyChanges(w, actor, changes, body.source);
          const revision = w.changed ? await w.revision() : await currentRevision(w.tx);
          const out = new JsonBytes(64 + outcomes.length * 64);
          out.raw('{"revision":').integer(revision).raw(',"results":');
          outcomes.writeResults(out);
          const response = out.raw('}').bytes();
          // Kept for retries, deflated (a 100,000-change answer shrinks about tenfold) on the thread
          // pool while the audit events are written, and stored in the same transaction. In one
          // piece, as far as it shrinks fourfold: zlib hands each output chunk back through this
          // thread, which is busy with the push until its end, so 16 KB chunks left the
          // compression waiting for the end too.
          const deflated = deflate(response, {
            level: 1,
            chunkSize: Math.max(64 * 1024, response.length >> 2),
          });
          deflated.catch(() => undefined); // awaited below; a write that fails first must not leave it unobserved
          w.last(async () =>
            keepAnswer(w.tx, actor.userId, body.idempotencyKey, await deflated, w.at),
          );
          return response;
        });
        return c.body(answer, 200, { 'content-type': 'application/json; charset=UTF-8' });
      },
    )

    .post(
      '/import/actuals',
      documented({
        tag: 'Sync',
        summary: 'Import actuals from a ledger CSV (controller)',
        body: {
          'text/csv':
            'A header line naming measure, period and amount (any case, extra columns ignored), comma, semicolon or tab separated; at most 100,000 lines.',
        },
        answers: { 200: ImportAnswer },
      }),
      validate('query', ImportQuery),
      async (c) => {
        const actor = c.get('actor');
        if (!mayImportActuals(actor)) throw forbidden('Only a controller imports actuals.');
        const lines = readLedgerCsv(await c.req.text());
        const decimal = c.req.valid('query').decimal;
        // Amounts are read with the currency of each measure's organization.
        const currencies = new Map<string, string>();
        const measures = await measuresForRules(deps.db.client, [
          ...new Set(lines.map((l) => l.measure)),
        ]);
        const settings = await settingsByOrg(
          deps.db.client,
          measures.map((m) => m.org_id),
        );
        for (const m of measures) currencies.set(m.code, settings.get(m.org_id)!.currency);
        const { groups, refused } = groupLedgerLines(
          lines,
          decimal,
          (code) => currencies.get(code) ?? null,
        );
        const changes: EngineChange[] = groups.map((g) => ({
          measure: g.measure,
          kind: 'actual',
          period: g.period,
          value: g.amount,
          note: g.note,
          againstCurrent: true,
          cell: g.lines.length > 1 ? `lines ${g.lines.join(', ')}` : `line ${g.lines[0]}`,
        }));
        const results = (
          await write(deps, c, (w) => applyChanges(w, actor, changes, { import: 'actuals' }))
        ).results();
        return c.json({ results: ledgerOutcomes(lines, groups, refused, results) }, 200);
      },
    );
