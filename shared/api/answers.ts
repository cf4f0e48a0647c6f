// The HTTP contract's answer shapes (api-v1.md), defined once: each feature's present.ts builds
// them, the OpenAPI document (/api/v1/openapi.json) is generated from them, the service's own
// test traffic is checked against that document, and the add-in's client takes its types from
// here. Answers are strict objects: a field the service adds without saying so here fails the
// check, so the document cannot fall behind the service.
import { z } from 'zod';
import {
  CELL_KINDS,
  DECLARABLE_STATUSES,
  DEPENDENCY_STATUSES,
  EXCEPTION_TYPES,
  IMPLEMENTATION_STATUSES,
  LEVELS,
  OUTCOMES,
  POTENTIAL_STATUSES,
  REASON_CODES,
  REQUEST_STATUSES,
  RISK_SEVERITIES,
  ROLES,
  STAGES,
} from '../model.js';
import { NOTIFICATION_EVENTS } from '../domain/notifications.js';
import { SettingsShape } from '../domain/settings.js';

const obj = z.strictObject;
const Amount = z.number();
const Period = z.string(); // YYYY-MM
const Day = z.string(); // YYYY-MM-DD
const Instant = z.string(); // ISO 8601, UTC

export const Person = obj({ id: z.string(), name: z.string() });
/** Whom a pending request waits on: a role, and the person when one holds it. */
export const WaitingOn = obj({
  role: z.string(),
  user: Person.nullable(),
  /** Who was named to decide but no longer holds the role (the request waits on steering meanwhile). */
  formerly: Person.nullable(),
}).nullable();

// ---- service -----------------------------------------------------------------------------

export const HealthAnswer = obj({
  ok: z.literal(true),
  version: z.string(),
  /** Whether sign-in tokens (single sign-on) are accepted: the pane offers it then. */
  sso: z.boolean(),
});

// ---- hierarchy ---------------------------------------------------------------------------

export const MeAnswer = obj({
  user: obj({ id: z.string(), name: z.string(), email: z.string().nullable() }),
  superAdmin: z.boolean(),
  grants: z.array(
    obj({ node: z.string(), level: z.enum(LEVELS), name: z.string(), role: z.enum(ROLES) }),
  ),
  invitations: z.array(
    obj({
      id: z.string(),
      node: z.string(),
      name: z.string(),
      invitedAt: Instant,
      invitedBy: z.string(),
    }),
  ),
});

export const UserCreatedAnswer = obj({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  /** Shown once: the service keeps only its hash. */
  token: z.string(),
});
export const InvitationAnswer = obj({
  invitation: obj({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    node: z.string(),
    status: z.literal('pending'),
    invitedAt: Instant,
  }),
});
export const InvitationAcceptedAnswer = obj({
  id: z.string(),
  node: z.string(),
  role: z.literal('viewer'),
  status: z.literal('accepted'),
});
export const RoleGrantedAnswer = obj({ userId: z.string(), node: z.string(), role: z.enum(ROLES) });
export const RoleRevokedAnswer = RoleGrantedAnswer;
/** One grant that holds in the scope (granted on it, below it or above it). */
export const AccessReviewEntry = obj({
  user: Person,
  email: z.string().nullable(),
  active: z.boolean(),
  role: z.enum(ROLES),
  /** Where the role is granted. */
  node: z.string(),
  /** When it was granted; null for a grant made before the service kept it (see the audit trail). */
  since: Instant.nullable(),
  grantedBy: Person.nullable(),
  /**
   * Measures in the scope that name the person as their controller, as their sponsor; null in a
   * review of a past date (the trail's grants are replayed, not who each measure named then).
   */
  namedOn: obj({ controller: z.number().int(), sponsor: z.number().int() }).nullable(),
  /** What the role lets them approve or decide, as the rules say it. */
  mayApprove: z.array(z.string()),
});
export const AccessReviewAnswer = obj({
  scope: z.string(),
  /** Now, or the end of the day asked for. */
  at: Instant,
  entries: z.array(AccessReviewEntry),
});
export const UserAnswer = obj({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  active: z.boolean(),
});
export const TokenAnswer = obj({
  id: z.string(),
  /** Shown once: the service keeps only its hash. The token it replaces is refused from now on. */
  token: z.string(),
  /** When it stops being accepted (GATECELL_TOKEN_DAYS after it was issued). */
  expiresAt: z.string(),
});
export const NodeCreatedAnswer = obj({
  code: z.string(),
  level: z.enum(LEVELS),
  name: z.string(),
  parentCode: z.string().nullable(),
});

/** A scope's money, in its organization's currency. */
export const Totals = obj({
  baseline: Amount,
  target: Amount,
  forecast: Amount,
  actual: Amount,
  expected: Amount,
  forecastVariance: Amount,
  actualVariance: Amount,
  expectedVariance: Amount,
});
export const OrgSettingsAnswer = SettingsShape.strict();

export const NodeAnswer = obj({
  code: z.string(),
  level: z.enum(LEVELS),
  name: z.string(),
  parentCode: z.string().nullable(),
  children: z.array(obj({ code: z.string(), level: z.enum(LEVELS), name: z.string() })),
  totals: Totals,
  settings: OrgSettingsAnswer,
});
export const SettingsAnswer = obj({ code: z.string(), settings: OrgSettingsAnswer });

// ---- requests (change, window, gate) -----------------------------------------------------

const Decided = {
  decidedBy: Person.nullable(),
  decidedAt: Instant.nullable(),
};
export const ChangeRequestAnswer = obj({
  id: z.string(),
  measure: z.string(),
  title: z.string(),
  /** The month's target in the record, when asked for (the approvals list shows the change as a share of it). */
  periodTarget: Amount.nullable().optional(),
  kind: z.enum(CELL_KINDS),
  period: Period,
  oldValue: Amount.nullable(),
  value: Amount,
  baseVersion: z.number().int(),
  note: z.string().nullable(),
  reason: z.enum(REASON_CODES),
  status: z.enum(REQUEST_STATUSES),
  requestedBy: Person.nullable(),
  requestedAt: Instant,
  waitingOn: WaitingOn,
  /** Where the change was made: the workbook, sheet and cell of a push, or a ledger import's lines. */
  source: obj({
    workbook: z.string(),
    sheet: z.string(),
    binding: z.string(),
    cell: z.string(),
    import: z.string(),
  })
    .partial()
    .nullable(),
  ...Decided,
  comment: z.string().nullable(),
  /** Whether the signed-in user may decide it (in lists). */
  mayDecide: z.boolean().optional(),
});
const WindowShape = obj({ startPeriod: Period.nullable(), endPeriod: Period.nullable() });
/** A window change from Detailed on, in the shape of a change request: values are the committed target. */
export const WindowRequestAnswer = obj({
  id: z.string(),
  measure: z.string(),
  title: z.string(),
  kind: z.literal('window'),
  period: z.null(),
  window: obj({ from: WindowShape, to: WindowShape }),
  oldValue: Amount,
  value: Amount,
  note: z.string().nullable(),
  reason: z.literal('APPROVAL_REQUIRED'),
  status: z.enum(REQUEST_STATUSES),
  requestedBy: Person.nullable(),
  requestedAt: Instant,
  waitingOn: WaitingOn,
  ...Decided,
  comment: z.string().nullable(),
  mayDecide: z.boolean().optional(),
});
export const AnyChangeRequest = z.union([ChangeRequestAnswer, WindowRequestAnswer]);
export const ChangeRequestsAnswer = obj({ changeRequests: z.array(AnyChangeRequest) });

export const GateRequestAnswer = obj({
  id: z.string(),
  measure: z.string(),
  from: z.enum(STAGES),
  to: z.enum(STAGES),
  comment: z.string().nullable(),
  /** What the gate validates, as it stood when requested: approving after it changed is refused. */
  validates: z.record(z.string(), Amount).nullable(),
  status: z.enum(REQUEST_STATUSES),
  requestedBy: Person.nullable(),
  requestedAt: Instant,
  waitingOn: WaitingOn,
  ...Decided,
  decisionComment: z.string().nullable(),
});
/** A gate request as listed: with the measure's title and whether the caller may decide it. */
export const GateRequestListed = GateRequestAnswer.extend({
  title: z.string(),
  mayDecide: z.boolean(),
});
export const GateRequestsAnswer = obj({ gateRequests: z.array(GateRequestListed) });
/** A gate request just made or decided, with the measure's stage after it. */
export const GateRequestDecidedAnswer = GateRequestAnswer.extend({ stage: z.enum(STAGES) });

// ---- measures ----------------------------------------------------------------------------

/** A cell of the record, and the value waiting for approval on it if any. */
const CellFields = {
  kind: z.enum(CELL_KINDS),
  period: Period,
  value: Amount.nullable(),
  version: z.number().int(),
  pending: obj({ changeRequestId: z.string(), value: Amount }).optional(),
};

export const MilestoneAnswer = obj({
  id: z.string(),
  measure: z.string(),
  title: z.string(),
  due: Day,
  done: z.boolean(),
  doneAt: Instant.nullable().optional(),
});
export const RiskAnswer = obj({
  id: z.string(),
  measure: z.string(),
  title: z.string(),
  severity: z.enum(RISK_SEVERITIES),
  open: z.boolean(),
});
export const DependencyAnswer = obj({
  id: z.string(),
  measure: z.string(),
  title: z.string(),
  due: Day,
  ownerId: z.string().nullable().optional(),
  done: z.boolean(),
  status: z.enum(DEPENDENCY_STATUSES),
  riskLevel: z.enum(RISK_SEVERITIES),
});

export const MeasureAnswer = obj({
  code: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  packageCode: z.string(),
  category: z.string().nullable(),
  impactType: z.string().nullable(),
  stage: z.enum(STAGES),
  /** Degree of implementation: 0 (Defined) … 5 (Closed); none for a cancelled measure. */
  doi: z.number().int().nullable(),
  onHold: z.boolean(),
  holdReason: z.string().nullable(),
  startPeriod: Period.nullable(),
  endPeriod: Period.nullable(),
  currency: z.string(),
  owner: Person.nullable(),
  sponsor: Person.nullable(),
  controller: Person.nullable(),
  implementationStatus: z.enum(IMPLEMENTATION_STATUSES),
  potentialStatus: z.enum(POTENTIAL_STATUSES),
  declaredStatus: z.enum(DECLARABLE_STATUSES).nullable(),
  figures: Totals.omit({ expectedVariance: true }).extend({
    realization: z.number().nullable(),
    perPeriod: z.array(
      obj({
        period: Period,
        forecastVariance: Amount.nullable(),
        actualVariance: Amount.nullable(),
      }),
    ),
  }),
  milestones: z.array(MilestoneAnswer.omit({ measure: true })),
  risks: z.array(RiskAnswer.omit({ measure: true })),
  dependencies: z.array(
    obj({
      id: z.string(),
      title: z.string(),
      due: Day,
      owner: Person.nullable(),
      done: z.boolean(),
      status: z.enum(DEPENDENCY_STATUSES),
      riskLevel: z.enum(RISK_SEVERITIES),
    }),
  ),
  cells: z.array(obj(CellFields)),
  openRequests: obj({
    changeRequests: z.array(ChangeRequestAnswer),
    gateRequest: GateRequestAnswer.nullable(),
  }),
  revision: z.number().int(),
  /** What the signed-in user may do with it (the service's own policies): on GET only. */
  may: obj({ requestGate: z.boolean(), hold: z.boolean(), editPlan: z.boolean() }).optional(),
  /** A window change from Detailed on waits for the controller (202): the request's id. */
  windowRequest: z.string().optional(),
});

// ---- sync --------------------------------------------------------------------------------

export const WireCell = obj({
  measure: z.string(),
  ...CellFields,
  /** In changes: the cell's request was decided since (so the sheet can say how, and by whom). */
  decided: obj({
    changeRequestId: z.string(),
    status: z.enum(['approved', 'rejected', 'withdrawn']),
    comment: z.string().nullable(),
    by: z.string().nullable(),
  }).optional(),
});
/** A cell the signed-in user may not change, and why (the push's own rule, asked ahead). */
export const Lock = obj({
  measure: z.string(),
  kind: z.enum(CELL_KINDS),
  period: Period,
  reason: z.string(),
  message: z.string(),
});
export const CellsAnswer = obj({
  revision: z.number().int(),
  cells: z.array(WireCell),
  locks: z.array(Lock).optional(),
});
export const MeasureSummary = obj({
  code: z.string(),
  stage: z.enum(STAGES),
  onHold: z.boolean(),
  implementationStatus: z.enum(IMPLEMENTATION_STATUSES),
  potentialStatus: z.enum(POTENTIAL_STATUSES),
  revision: z.number().int(),
});
export const ChangesAnswer = obj({
  revision: z.number().int(),
  cells: z.array(WireCell),
  measures: z.array(MeasureSummary),
});
const Reason = obj({ code: z.enum(REASON_CODES), message: z.string() });
/** One change's answer: `value` and `version` are the record after the whole batch. */
export const PushResultAnswer = obj({
  index: z.number().int(),
  outcome: z.enum(OUTCOMES),
  value: Amount.nullable(),
  version: z.number().int(),
  changeRequestId: z.string().optional(),
  reason: Reason.optional(),
});
export const PushAnswer = obj({ revision: z.number().int(), results: z.array(PushResultAnswer) });
export const ImportAnswer = obj({
  results: z.array(
    obj({
      /** The line of the file (the header is line 1). */
      row: z.number().int(),
      outcome: z.enum(OUTCOMES),
      value: Amount.nullable().optional(),
      version: z.number().int().optional(),
      /** Lines of one measure and period are added up: the line this one was added to. */
      addedTo: z.number().int().optional(),
      reason: obj({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});

// ---- exceptions --------------------------------------------------------------------------

export const ExceptionListed = obj({
  id: z.string(),
  type: z.enum(EXCEPTION_TYPES),
  measure: z.string(),
  owner: z.string().nullable(),
  ownerName: z.string().nullable(),
  decisionNeeded: z.string(),
  valueAtStake: Amount,
  level: z.number().int().min(1).max(3),
  /** Names of whom the exception's level waits on (the steering committee at level 3). */
  waitingOn: z.array(z.string().nullable()),
  status: z.enum(['open', 'acknowledged']),
  openedAt: Instant,
  acknowledgedAt: Instant.nullable(),
  /** Who raised it by hand (null: the rules raised it), its title and when it must be decided. */
  raisedBy: z.string().nullable(),
  title: z.string().nullable(),
  dueDate: Day.nullable(),
});
export const ExceptionsAnswer = obj({ exceptions: z.array(ExceptionListed) });
export const ExceptionActedAnswer = obj({
  id: z.string(),
  type: z.enum(EXCEPTION_TYPES),
  measure: z.string(),
  status: z.enum(['acknowledged', 'resolved']),
  level: z.number().int().min(1).max(3),
  acknowledgedAt: Instant.nullable(),
  resolvedAt: Instant.nullable(),
  comment: z.string().nullable(),
  /** What was decided (POST /exceptions/{id}/decide); null when it was acknowledged or resolved. */
  decision: z.string().nullable(),
});

// ---- decisions ---------------------------------------------------------------------------

export const DecisionEntry = obj({
  kind: z.enum(['change_request', 'window_request', 'gate', 'exception']),
  id: z.string(),
  measure: z.string(),
  /** What was decided on: "forecast 2027-04", "window 2027-01…2027-09", "defined → identified", "demand_spike: …". */
  what: z.string(),
  /** approved or rejected; for an exception, what was decided. */
  decision: z.string(),
  by: Person,
  at: Instant,
  /** What the decision did to the value (organization currency): see the decision log in docs/api.md. */
  valueEffect: Amount,
  comment: z.string().nullable(),
});
export const DecisionsAnswer = obj({
  scope: z.string(),
  from: Day.nullable(),
  to: Day.nullable(),
  decisions: z.array(DecisionEntry),
  /** More decisions than one answer holds: narrow the span. */
  more: z.boolean(),
});

// ---- notifications -----------------------------------------------------------------------

export const WebhookAnswer = obj({
  id: z.string(),
  node: z.string(),
  url: z.string(),
  events: z.array(z.enum(NOTIFICATION_EVENTS)),
  createdBy: z.string(),
  createdAt: Instant,
});
export const WebhooksAnswer = obj({ webhooks: z.array(WebhookAnswer) });
export const DeliveryAnswer = obj({
  id: z.string(),
  webhook: z.string(),
  event: z.enum(NOTIFICATION_EVENTS),
  /** pending (to be tried, or tried again at nextAttemptAt), delivered, or failed (given up after a day). */
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  createdAt: Instant,
  nextAttemptAt: Instant.nullable(),
  lastAttemptAt: Instant.nullable(),
  /** The receiver's HTTP status; null when it could not be reached or did not answer in time. */
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: Instant.nullable(),
});
export const DeliveriesAnswer = obj({ deliveries: z.array(DeliveryAnswer) });

// ---- reporting ---------------------------------------------------------------------------

const StageSlot = obj({ count: z.number().int(), target: Amount, forecast: Amount });
const StatusCounts = (statuses: readonly [string, ...string[]]) =>
  z.partialRecord(z.enum(statuses), z.number().int());
export const RollupAnswer = obj({
  scope: z.string(),
  currency: z.string(),
  from: Period.nullable(),
  to: Period.nullable(),
  totals: Totals,
  byStage: z.partialRecord(z.enum([...STAGES, 'onHold']), StageSlot),
  implementationStatus: StatusCounts(IMPLEMENTATION_STATUSES),
  potentialStatus: StatusCounts(POTENTIAL_STATUSES),
  exceptionsByLevel: z.record(z.enum(['1', '2', '3']), z.number().int()),
  decisionsWaiting: z.array(
    obj({
      /** A person, or the steering committee (id null) for a gate above the threshold. */
      approver: obj({ id: z.string().nullable(), name: z.string() }),
      role: z.string(),
      changeRequests: z.number().int(),
      gateRequests: z.number().int(),
    }),
  ),
  /** The scope's money month by month (within from…to when given), cancelled measures left out. */
  byMonth: z.array(
    obj({ period: Period, target: Amount, forecast: Amount, actual: Amount, expected: Amount }),
  ),
  /** The ten measures furthest from target (expected − target, either way), with their owner. */
  topVariances: z.array(
    obj({
      measure: z.string(),
      title: z.string(),
      owner: Person,
      target: Amount,
      expected: Amount,
      variance: Amount,
    }),
  ),
});

/**
 * Every measure of a scope (cancelled ones left out) beside its target, flagged as the
 * organization's materiality says: the executive report's variance register and its bridge.
 */
export const VariancesAnswer = obj({
  scope: z.string(),
  /** The scope's name, for a report's title. */
  name: z.string(),
  currency: z.string(),
  /** The thresholds the flags were judged by (materialityAbs in the currency; null: none). */
  materialityPct: z.number(),
  materialityAbs: z.number().nullable(),
  measures: z.array(
    obj({
      measure: z.string(),
      title: z.string(),
      /** The program the measure belongs to (null above program level). */
      program: obj({ code: z.string(), name: z.string() }).nullable(),
      owner: Person,
      stage: z.enum(STAGES),
      onHold: z.boolean(),
      target: Amount,
      forecast: Amount,
      actual: Amount,
      expected: Amount,
      /** expected − target. */
      variance: Amount,
      flag: z.enum(['shortfall', 'ahead', 'on_target']),
    }),
  ),
});
export type VariancesAnswer = z.infer<typeof VariancesAnswer>;

// ---- audit -------------------------------------------------------------------------------

export const AuditEvent = obj({
  seq: z.number().int(),
  at: Instant,
  actor: z.string(),
  actorName: z.string(),
  action: z.string(),
  node: z.string().nullable(),
  subject: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  /** Where the change came from (workbook, sheet, cell; or the rules' own doing). */
  source: z.record(z.string(), z.unknown()).nullable(),
  /** The service's id of the request that made it (the answer's X-Request-Id). */
  requestId: z.string().nullable(),
  /** The X-Request-Id the client sent with that request, if any (its own, kept apart). */
  clientRequestId: z.string().nullable(),
});
export const AuditAnswer = obj({ events: z.array(AuditEvent) });
export const CheckpointAnswer = obj({
  seq: z.number().int(),
  hash: z.string(),
  at: Instant,
  signature: z.string(),
  /** The Ed25519 public key (SPKI, DER, base64url) the signature verifies with. */
  publicKey: z.string(),
});
export const VerificationAnswer = obj({
  ok: z.boolean(),
  /** Events verified (of the organizations in scope). */
  events: z.number().int(),
  head: z.string().nullable(),
  problems: z.array(
    obj({
      type: z.enum(['chain', 'altered', 'events', 'keying', 'checkpoint', 'replay']),
      message: z.string(),
      batch: z.number().int().optional(),
      measure: z.string().optional(),
      kind: z.string().optional(),
      period: z.string().optional(),
    }),
  ),
});

// The answers' types, for presenters and the add-in's client.
export type Person = z.infer<typeof Person>;
export type WaitingOn = z.infer<typeof WaitingOn>;
export type HealthAnswer = z.infer<typeof HealthAnswer>;
export type MeAnswer = z.infer<typeof MeAnswer>;
export type UserCreatedAnswer = z.infer<typeof UserCreatedAnswer>;
export type InvitationAnswer = z.infer<typeof InvitationAnswer>;
export type InvitationAcceptedAnswer = z.infer<typeof InvitationAcceptedAnswer>;
export type RoleGrantedAnswer = z.infer<typeof RoleGrantedAnswer>;
export type RoleRevokedAnswer = z.infer<typeof RoleRevokedAnswer>;
export type AccessReviewEntry = z.infer<typeof AccessReviewEntry>;
export type AccessReviewAnswer = z.infer<typeof AccessReviewAnswer>;
export type UserAnswer = z.infer<typeof UserAnswer>;
export type TokenAnswer = z.infer<typeof TokenAnswer>;
export type NodeCreatedAnswer = z.infer<typeof NodeCreatedAnswer>;
export type Totals = z.infer<typeof Totals>;
export type OrgSettingsAnswer = z.infer<typeof OrgSettingsAnswer>;
export type NodeAnswer = z.infer<typeof NodeAnswer>;
export type SettingsAnswer = z.infer<typeof SettingsAnswer>;
export type ChangeRequestAnswer = z.infer<typeof ChangeRequestAnswer>;
export type WindowRequestAnswer = z.infer<typeof WindowRequestAnswer>;
export type AnyChangeRequest = z.infer<typeof AnyChangeRequest>;
export type ChangeRequestsAnswer = z.infer<typeof ChangeRequestsAnswer>;
export type GateRequestAnswer = z.infer<typeof GateRequestAnswer>;
export type GateRequestListed = z.infer<typeof GateRequestListed>;
export type GateRequestsAnswer = z.infer<typeof GateRequestsAnswer>;
export type GateRequestDecidedAnswer = z.infer<typeof GateRequestDecidedAnswer>;
export type MilestoneAnswer = z.infer<typeof MilestoneAnswer>;
export type RiskAnswer = z.infer<typeof RiskAnswer>;
export type DependencyAnswer = z.infer<typeof DependencyAnswer>;
export type MeasureAnswer = z.infer<typeof MeasureAnswer>;
export type WireCell = z.infer<typeof WireCell>;
export type Lock = z.infer<typeof Lock>;
export type CellsAnswer = z.infer<typeof CellsAnswer>;
export type MeasureSummary = z.infer<typeof MeasureSummary>;
export type ChangesAnswer = z.infer<typeof ChangesAnswer>;
export type PushResultAnswer = z.infer<typeof PushResultAnswer>;
export type PushAnswer = z.infer<typeof PushAnswer>;
export type ImportAnswer = z.infer<typeof ImportAnswer>;
export type ExceptionListed = z.infer<typeof ExceptionListed>;
export type ExceptionsAnswer = z.infer<typeof ExceptionsAnswer>;
export type ExceptionActedAnswer = z.infer<typeof ExceptionActedAnswer>;
export type RollupAnswer = z.infer<typeof RollupAnswer>;
export type DecisionEntry = z.infer<typeof DecisionEntry>;
export type DecisionsAnswer = z.infer<typeof DecisionsAnswer>;
export type WebhookAnswer = z.infer<typeof WebhookAnswer>;
export type DeliveryAnswer = z.infer<typeof DeliveryAnswer>;
export type AuditEvent = z.infer<typeof AuditEvent>;
export type AuditAnswer = z.infer<typeof AuditAnswer>;
export type CheckpointAnswer = z.infer<typeof CheckpointAnswer>;
export type VerificationAnswer = z.infer<typeof VerificationAnswer>;
