// The HTTP contract's request shapes (api-v1.md), defined once for the service and the add-in.
import { z } from 'zod';
import {
  CELL_KINDS,
  DECLARABLE_STATUSES,
  LEVELS,
  type Outcome,
  type ReasonCode,
  REQUEST_STATUSES,
  RISK_SEVERITIES,
  DEPENDENCY_STATUSES,
  RAISED_EXCEPTION_TYPES,
  ROLES,
  STAGES,
} from '../model.js';
import { NOTIFICATION_EVENTS } from '../domain/notifications.js';
import { PERIOD_PATTERN } from '../periods.js';
import { SettingsPatch } from '../domain/settings.js';
import { TEXT_LIMITS, type TextKind, textProblem } from '../text.js';

export const MAX_PUSH_CHANGES = 100_000;

/**
 * "A text": the one schema every text field of a request is made from (test/domain/text.test.ts
 * fails on a z.string() written anywhere else in this file), so no field can skip the check of
 * what the record may hold. `line`: one line (codes, names, titles), `free`: notes and comments.
 */
export const text = (kind: TextKind, max: number) =>
  z
    .string()
    .max(max)
    .superRefine((s, ctx) => {
      const problem = textProblem(s, kind);
      if (problem)
        ctx.addIssue({ code: 'custom', message: problem, params: { reason: 'INVALID_TEXT' } });
    });
/** A required single line: trimmed, not empty. */
const Line = (max: number) => text('line', max).trim().min(1);
/** Free text that may be empty (a comment). */
export const FreeText = (max: number) => text('free', max).trim();

export const Code = text('line', 64).regex(
  /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
  'letters, digits, ".", "_" or "-" (at most 64)',
);
export const Period = text('line', 7).regex(PERIOD_PATTERN, 'a month as YYYY-MM');
export const Day = z.iso.date();
export const Money = z.union([z.number(), text('line', 40)]);
const Title = Line(TEXT_LIMITS.title);
const Name = Line(TEXT_LIMITS.name);
const UserId = Line(100);
const CommentText = FreeText(TEXT_LIMITS.comment);
const Comment = z.object({ comment: CommentText.default('') });

/** A window: both months between 2000-01 and 2100-12, at most 120 months, start ≤ end. */
export const WINDOW_BOUNDS = { first: '2000-01', last: '2100-12', months: 120 } as const;
const WindowPeriod = Period.refine(
  (p) => !PERIOD_PATTERN.test(p) || (p >= WINDOW_BOUNDS.first && p <= WINDOW_BOUNDS.last),
  `a month from ${WINDOW_BOUNDS.first} to ${WINDOW_BOUNDS.last}`,
);
const monthIndex = (p: string) => Number(p.slice(0, 4)) * 12 + Number(p.slice(5, 7));
/** Why a window is refused, or null (start and end both given). */
export function windowProblem(start: string, end: string): string | null {
  if (start > end) return `the window starts (${start}) after it ends (${end})`;
  if (monthIndex(end) - monthIndex(start) + 1 > WINDOW_BOUNDS.months)
    return `a window spans at most ${WINDOW_BOUNDS.months} months`;
  return null;
}

export const CreateUser = z.object({
  name: Name,
  email: text('line', 254)
    .pipe(z.email())
    .transform((e) => e.toLowerCase()),
  /** An organization admin's invitation: the node the person is invited to (default: the one node they administer). */
  node: Code.optional(),
});
export const GrantRole = z.object({ userId: UserId, role: z.enum(ROLES) });
/** Why access was taken away or given back: kept in the audit trail with who did it. */
const AccessReason = z.object({ reason: CommentText.default('') });
export const RevokeRole = GrantRole.extend(AccessReason.shape);
export const PatchUser = z.object({ active: z.boolean() }).extend(AccessReason.shape);
export const CreateNode = z.object({
  parentCode: Code.nullable(),
  level: z.enum(LEVELS).exclude(['measure']),
  code: Code,
  name: Name,
});
export const PatchSettings = SettingsPatch;

const windowChecked = <
  T extends { startPeriod?: string | null | undefined; endPeriod?: string | null | undefined },
>(
  body: T,
  ctx: z.RefinementCtx,
) => {
  const { startPeriod: start, endPeriod: end } = body;
  const problem =
    start && end && PERIOD_PATTERN.test(start) && PERIOD_PATTERN.test(end)
      ? windowProblem(start, end)
      : null;
  if (problem) ctx.addIssue({ code: 'custom', path: ['endPeriod'], message: problem });
};
const MeasureFields = {
  title: Title,
  description: FreeText(TEXT_LIMITS.note).nullable().optional(),
  category: Line(100).nullable().optional(),
  impactType: Line(100).nullable().optional(),
  startPeriod: WindowPeriod.nullable().optional(),
  endPeriod: WindowPeriod.nullable().optional(),
};
export const CreateMeasure = z
  .object({
    packageCode: Code,
    code: Code,
    ownerId: UserId,
    sponsorId: UserId.nullable().optional(),
    controllerId: UserId.nullable().optional(),
    ...MeasureFields,
  })
  .superRefine(windowChecked);
export const PatchMeasure = z
  .object({
    ...MeasureFields,
    title: MeasureFields.title.optional(),
    declaredStatus: z.enum(DECLARABLE_STATUSES).nullable().optional(),
    sponsorId: UserId.optional(),
    controllerId: UserId.optional(),
    /** Why the window changes: the note of the request a change from Detailed on becomes. */
    note: FreeText(TEXT_LIMITS.note).optional(),
  })
  .strict()
  .superRefine(windowChecked);
export const CreateMilestone = z.object({ title: Title, due: Day });
export const PatchMilestone = z
  .object({ done: z.boolean().optional(), title: Title.optional(), due: Day.optional() })
  .strict();
export const CreateRisk = z.object({ title: Title, severity: z.enum(RISK_SEVERITIES) });
export const PatchRisk = z
  .object({ open: z.boolean().optional(), severity: z.enum(RISK_SEVERITIES).optional() })
  .strict();
export const CreateDependency = z.object({
  title: Title,
  due: Day,
  ownerId: UserId.nullable().optional(),
  /** How high the exception for it starts once it is late: low 1, medium 2, high 3. */
  riskLevel: z.enum(RISK_SEVERITIES).default('low'),
  status: z.enum(DEPENDENCY_STATUSES).default('open'),
});
export const PatchDependency = z
  .object({
    /** The older form of status: done or open. */
    done: z.boolean().optional(),
    status: z.enum(DEPENDENCY_STATUSES).optional(),
    due: Day.optional(),
    riskLevel: z.enum(RISK_SEVERITIES).optional(),
    ownerId: UserId.nullable().optional(),
  })
  .strict()
  .refine((p) => p.done === undefined || p.status === undefined, {
    message: 'Send status or done, not both.',
    path: ['status'],
  });

// A change's texts are checked by the finance rules (textProblem), not here: a broken note is one
// `rejected` change (INVALID_TEXT), not a bad batch, and the push's fast check (ajv) cannot run a
// refinement. Their lengths are checked here.
export const PushChange = z.object({
  measure: z.string().min(1).max(64), // text-checked-elsewhere: looked up, never stored
  kind: z.enum(CELL_KINDS),
  period: z.string().regex(PERIOD_PATTERN, 'a month as YYYY-MM'), // text-checked-elsewhere: digits by its pattern
  // Checked by the finance rules, so a bad amount is one `rejected` change, not a bad batch.
  value: z.unknown(),
  baseVersion: z.number().int().nonnegative().optional(),
  note: z.string().max(TEXT_LIMITS.note).optional(), // text-checked-elsewhere: evaluateChange
  cell: z.string().max(300).optional(), // text-checked-elsewhere: evaluateChange
});
export const PushSource = z.object({
  workbook: text('line', 500).optional(),
  sheet: text('line', 300).optional(),
  binding: text('line', 300).optional(),
});
export const Push = z.object({
  idempotencyKey: text('line', 200).min(1),
  source: PushSource.optional(),
  changes: z.array(PushChange).max(MAX_PUSH_CHANGES),
});
/** One change's answer: `value` and `version` are the record after the whole batch. */
export interface PushResult {
  index: number;
  outcome: Outcome;
  value: number | null;
  version: number;
  changeRequestId?: string;
  reason?: { code: ReasonCode; message: string };
}

/**
 * How the service checks a push: the envelope first, then each change against PushChange, so a
 * 100,000-change batch is validated without zod building a second copy of every change.
 */
export const PushEnvelope = Push.extend({ changes: z.array(z.unknown()).max(MAX_PUSH_CHANGES) });
export type PushBody = z.infer<typeof Push>;
export type PushChangeBody = z.infer<typeof PushChange>;

export const Decision = Comment;
export const GateRequest = z.object({ to: z.enum(STAGES), comment: CommentText.default('') });

const commaList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
export const CellsQuery = z.object({
  scope: Code,
  kinds: text('line', 100)
    .transform(commaList)
    .pipe(z.array(z.enum(CELL_KINDS)))
    .optional(),
  from: Period.optional(),
  to: Period.optional(),
  /** Also answer the cells the caller may not change, and why (for a read-only look in the sheet). */
  editable: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
/** At most this many months a starter workbook: its table stays readable, and its request small. */
export const STARTER_MAX_MONTHS = 60;
export const StarterQuery = z
  .object({
    scope: Code,
    kinds: text('line', 100)
      .transform(commaList)
      .pipe(z.array(z.enum(CELL_KINDS)).min(1))
      .default(['forecast']),
    from: Period.optional(),
    to: Period.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'from is on or before to',
    path: ['to'],
  });
export const ImportQuery = z.object({ decimal: z.enum(['point', 'comma']).default('point') });
export const ChangesQuery = z.object({
  scope: Code,
  since: z.coerce.number().int().nonnegative().default(0),
});
export const ScopeQuery = z.object({ scope: Code.optional() });
/** `at`: the review as of the end of that day (UTC), replayed from the audit trail. */
export const AccessReviewQuery = z.object({ scope: Code, at: Day.optional() });
export const ChangeRequestsQuery = z.object({
  scope: Code.optional(),
  status: z.enum(REQUEST_STATUSES).default('pending'),
});
export const GateRequestsQuery = z.object({
  scope: Code.optional(),
  status: z.enum(REQUEST_STATUSES).default('pending'),
});
/** An S&OP exception raised by hand on a measure (its value at stake in the organization's currency). */
export const RaiseException = z.object({
  measure: Code,
  type: z.enum(RAISED_EXCEPTION_TYPES),
  title: Title,
  decisionNeeded: Line(TEXT_LIMITS.comment),
  valueAtStake: Money,
  dueDate: Day,
});
export const DecideException = z.object({
  /** What was decided. */
  decision: Line(TEXT_LIMITS.comment),
  comment: CommentText.default(''),
});
/** The decision log of a scope, decided from `from` through `to` (days, UTC), both optional. */
export const DecisionsQuery = z
  .object({ scope: Code, from: Day.optional(), to: Day.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'from is on or before to',
    path: ['to'],
  });
/** Where a webhook posts: https, or http on this machine (a local receiver). */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
export const CreateWebhook = z.object({
  url: text('line', 2000).refine((u) => {
    if (!URL.canParse(u)) return false;
    const url = new URL(u);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  }, 'an https:// URL (or http:// on 127.0.0.1, localhost or [::1])'),
  events: z.array(z.enum(NOTIFICATION_EVENTS)).min(1),
  /** Signs every body (HMAC-SHA256): at least 16 characters, never answered back. */
  secret: text('line', 200).min(16),
});
export const DeliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const ExceptionsQuery = z.object({
  scope: Code.optional(),
  level: z.coerce.number().int().min(1).max(3).optional(),
});
export const RollupQuery = z.object({
  scope: Code,
  from: Period.optional(),
  to: Period.optional(),
});
export const VariancesQuery = z.object({ scope: Code });
export const AuditQuery = z.object({
  scope: Code.optional(),
  since: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(10000).default(1000),
  /** `newest`: the latest `limit` events, newest first (a measure's recent history); `oldest` (default): in order from `since`, for paging. */
  order: z.enum(['oldest', 'newest']).default('oldest'),
});

/** A checkpoint as GET /audit/checkpoint answered it, passed back as URL-encoded JSON. */
export const Checkpoint = z.object({
  seq: z.number().int().nonnegative(),
  hash: text('line', 64).regex(/^[0-9a-f]{64}$/),
  at: text('line', 40),
  signature: text('line', 200),
});
export const VerifyQuery = z.object({
  checkpoint: text('line', 2000)
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'the checkpoint as JSON' });
        return z.NEVER;
      }
    })
    .pipe(Checkpoint.loose())
    .optional(),
});

/** The one error body of every non-2xx answer. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }), // text-checked-elsewhere: an answer, not a request
});
export type ErrorBody = z.infer<typeof ErrorBody>;
