// The HTTP contract's request shapes (api-v1.md), defined once for the service and the add-in.
import { z } from 'zod';
import { CELL_KINDS, IMPLEMENTATION_STATUSES, LEVELS, type Outcome, type ReasonCode, RISK_SEVERITIES, ROLES, STAGES } from '../model.js';
import { PERIOD_PATTERN } from '../periods.js';
import { SettingsPatch } from '../domain/settings.js';

export const MAX_PUSH_CHANGES = 100_000;

export const Code = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-" (at most 64)');
export const Period = z.string().regex(PERIOD_PATTERN, 'a month as YYYY-MM');
export const Day = z.iso.date();
export const Money = z.union([z.number(), z.string()]);
const Text = (max: number) => z.string().trim().min(1).max(max);
const Comment = z.object({ comment: z.string().max(4000).default('') });

export const CreateUser = z.object({ name: Text(200), email: z.email() });
export const GrantRole = z.object({ userId: Text(100), role: z.enum(ROLES) });
export const CreateNode = z.object({
  parentCode: Code.nullable(),
  level: z.enum(LEVELS).exclude(['measure']),
  code: Code,
  name: Text(200),
});
export const PatchSettings = SettingsPatch;

const MeasureFields = {
  title: Text(300),
  description: z.string().max(4000).nullable().optional(),
  category: Text(100).nullable().optional(),
  impactType: Text(100).nullable().optional(),
  sponsorId: Text(100).nullable().optional(),
  controllerId: Text(100).nullable().optional(),
  startPeriod: Period.nullable().optional(),
  endPeriod: Period.nullable().optional(),
};
export const CreateMeasure = z.object({ packageCode: Code, code: Code, ownerId: Text(100), ...MeasureFields });
export const PatchMeasure = z
  .object({ ...MeasureFields, title: MeasureFields.title.optional(), declaredStatus: z.enum(IMPLEMENTATION_STATUSES).nullable().optional() })
  .strict();
export const CreateMilestone = z.object({ title: Text(300), due: Day });
export const PatchMilestone = z.object({ done: z.boolean().optional(), title: Text(300).optional(), due: Day.optional() }).strict();
export const CreateRisk = z.object({ title: Text(300), severity: z.enum(RISK_SEVERITIES) });
export const PatchRisk = z.object({ open: z.boolean().optional(), severity: z.enum(RISK_SEVERITIES).optional() }).strict();
export const CreateDependency = z.object({ title: Text(300), due: Day, ownerId: Text(100).nullable().optional() });
export const PatchDependency = z.object({ done: z.boolean().optional(), due: Day.optional() }).strict();

export const PushChange = z.object({
  measure: z.string().min(1).max(64),
  kind: z.enum(CELL_KINDS),
  period: Period,
  // Checked by the finance rules, so a bad amount is one `rejected` change, not a bad batch.
  value: z.unknown(),
  baseVersion: z.number().int().nonnegative().optional(),
  note: z.string().max(4000).optional(),
  cell: z.string().max(300).optional(),
});
export const PushSource = z.object({
  workbook: z.string().max(500).optional(),
  sheet: z.string().max(300).optional(),
  binding: z.string().max(300).optional(),
});
export const Push = z.object({
  idempotencyKey: z.string().min(1).max(200),
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
export const GateRequest = z.object({ to: z.enum(STAGES), comment: z.string().max(4000).default('') });

const commaList = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
export const CellsQuery = z.object({
  scope: Code,
  kinds: z.string().transform(commaList).pipe(z.array(z.enum(CELL_KINDS))).optional(),
  from: Period.optional(),
  to: Period.optional(),
  /** Also answer the cells the caller may not change, and why (for a read-only look in the sheet). */
  editable: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export const ChangesQuery = z.object({ scope: Code, since: z.coerce.number().int().nonnegative().default(0) });
export const ScopeQuery = z.object({ scope: Code.optional() });
export const ChangeRequestsQuery = z.object({ scope: Code.optional(), status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']).default('pending') });
export const GateRequestsQuery = z.object({ scope: Code.optional(), status: z.enum(['pending', 'approved', 'rejected']).default('pending') });
export const ExceptionsQuery = z.object({ scope: Code.optional(), level: z.coerce.number().int().min(1).max(3).optional() });
export const RollupQuery = z.object({ scope: Code, from: Period.optional(), to: Period.optional() });
export const AuditQuery = z.object({ scope: Code.optional(), since: z.coerce.number().int().nonnegative().default(0), limit: z.coerce.number().int().min(1).max(10000).default(1000) });

/** The one error body of every non-2xx answer. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
