// The identifiers of the governance model, shared by the service and the add-in.
export const LEVELS = [
  'organization',
  'portfolio',
  'program',
  'project',
  'package',
  'measure',
] as const;
export type Level = (typeof LEVELS)[number];

/** Stages in gate order; `cancelled` stands outside the order. */
export const STAGES = [
  'defined',
  'identified',
  'detailed',
  'decided',
  'implemented',
  'closed',
  'cancelled',
] as const;
export type Stage = (typeof STAGES)[number];
export const GATE_ORDER: readonly Stage[] = [
  'defined',
  'identified',
  'detailed',
  'decided',
  'implemented',
  'closed',
];
export const DOI: Record<Stage, number | null> = {
  defined: 1,
  identified: 2,
  detailed: 3,
  decided: 4,
  implemented: 5,
  closed: 6,
  cancelled: null,
};
export const isFrozen = (stage: Stage) => stage === 'closed' || stage === 'cancelled';

export const ROLES = ['admin', 'planner', 'controller', 'sponsor', 'steering', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const CELL_KINDS = ['baseline', 'target', 'forecast', 'actual'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

export const IMPLEMENTATION_STATUSES = [
  'on_track',
  'at_risk',
  'delayed',
  'completed',
  'cancelled',
] as const;
export type ImplementationStatus = (typeof IMPLEMENTATION_STATUSES)[number];
/** What an owner may declare: a measure is cancelled by a gate, not by a declaration. */
export const DECLARABLE_STATUSES = ['on_track', 'at_risk', 'delayed', 'completed'] as const;
export type DeclarableStatus = (typeof DECLARABLE_STATUSES)[number];
export const POTENTIAL_STATUSES = ['on_track', 'at_risk', 'off_track'] as const;
export type PotentialStatus = (typeof POTENTIAL_STATUSES)[number];

/** What the service raises by itself from the record. */
export const DETECTED_EXCEPTION_TYPES = [
  'milestone_overdue',
  'value_slipping',
  'masked_slippage',
  'dependency_late',
  'approval_overdue',
  'status_mismatch',
] as const;
/** What people raise by hand: the S&OP events only they see. */
export const RAISED_EXCEPTION_TYPES = [
  'demand_spike',
  'demand_drop',
  'supplier_delay',
  'capacity_shortage',
  'margin_erosion',
  'stock_risk',
  'promotion_change',
  'customer_commitment',
  'other',
] as const;
export type RaisedExceptionType = (typeof RAISED_EXCEPTION_TYPES)[number];
export const EXCEPTION_TYPES = [...DETECTED_EXCEPTION_TYPES, ...RAISED_EXCEPTION_TYPES] as const;
export type ExceptionType = (typeof EXCEPTION_TYPES)[number];

export const OUTCOMES = ['applied', 'pending', 'rejected', 'conflict'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const REASON_CODES = [
  'FORBIDDEN',
  'INVALID_VALUE',
  'UNKNOWN_MEASURE',
  'OUT_OF_WINDOW',
  'PERIOD_LOCKED',
  'MEASURE_FROZEN',
  'MATERIAL_CHANGE',
  'NOTE_REQUIRED',
  'STALE_VERSION',
  'APPROVAL_REQUIRED',
  'INVALID_TEXT',
  'FUTURE_PERIOD',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Where a change, window or gate request stands. */
export const REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const RISK_SEVERITIES = ['low', 'medium', 'high'] as const;
export type RiskSeverity = (typeof RISK_SEVERITIES)[number];
/** A dependency: open, at risk (its owner says it may slip), or done. */
export const DEPENDENCY_STATUSES = ['open', 'at_risk', 'done'] as const;
export type DependencyStatus = (typeof DEPENDENCY_STATUSES)[number];
