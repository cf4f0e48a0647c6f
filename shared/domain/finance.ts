// Finance validation of one cell change: exactly one outcome per change (governance model,
// "Finance validation of edits"). Pure: the caller supplies the record and the people.
import { type Actor, type MeasurePeople, mayEditPlan, mayEnterActuals } from './access.js';
import { type CellKind, type ReasonCode, type Stage, GATE_ORDER, isFrozen } from '../model.js';
import { inWindow, isPeriod } from '../periods.js';
import { toMinor } from '../money.js';
import { textProblem } from '../text.js';

export interface CellRecord {
  value: number | null; // minor units
  version: number; // 0 for a cell never written
}

export interface MeasureForEdit extends MeasurePeople {
  path: string;
  stage: Stage;
  startPeriod: string;
  endPeriod: string;
}

export interface EditRules {
  digits: number;
  closedThrough: string | null;
  /** The service's current month (UTC): no actual for a month that has not begun. */
  currentPeriod: string;
  materialityPct: number;
  /** In minor units; null: no absolute threshold. */
  materialityAbs: number | null;
}

export interface CellChange {
  kind: CellKind;
  period: string;
  value: unknown;
  baseVersion?: number | undefined;
  note?: string | undefined;
  /** The sheet address it came from (kept in the audit trail). */
  cell?: string | undefined;
}

export interface EditContext {
  actor: Actor;
  measure: MeasureForEdit;
  rules: EditRules;
  current: CellRecord;
  /** The approved target of the same period, minor units (for materiality). */
  periodTarget: number | null;
  /** The approved forecast of the same period, minor units (for materiality). */
  periodForecast: number | null;
}

export type Decision =
  | { outcome: 'rejected'; reason: ReasonCode; message: string }
  | { outcome: 'conflict'; reason: 'STALE_VERSION'; message: string }
  | { outcome: 'applied'; value: number; unchanged: boolean }
  | {
      outcome: 'pending';
      value: number;
      reason: 'MATERIAL_CHANGE' | 'APPROVAL_REQUIRED';
      message: string;
    };

const reject = (reason: ReasonCode, message: string): Decision => ({
  outcome: 'rejected',
  reason,
  message,
});

const stageIndex = (stage: Stage) => GATE_ORDER.indexOf(stage);

export interface EditBlock {
  reason: ReasonCode;
  message: string;
}

/**
 * Why the actor may not change this cell at all, whatever value they type; null when they may.
 * The push applies it to every change, and the add-in shows it in the sheet before anyone types.
 */
export function editBlock(
  kind: CellKind,
  period: string,
  ctx: Pick<EditContext, 'actor' | 'measure' | 'rules'>,
): EditBlock | null {
  const { actor, measure, rules } = ctx;
  if (isFrozen(measure.stage))
    return {
      reason: 'MEASURE_FROZEN',
      message: `Measure is ${measure.stage}: its values can no longer change.`,
    };
  if (!inWindow(period, measure.startPeriod, measure.endPeriod))
    return {
      reason: 'OUT_OF_WINDOW',
      message: `${period} is outside the measure's window ${measure.startPeriod} to ${measure.endPeriod}.`,
    };
  if (kind === 'actual') {
    if (!mayEnterActuals(actor, measure.path, measure))
      return {
        reason: 'FORBIDDEN',
        message: 'Only a controller of this measure (not its owner or sponsor) may enter actuals.',
      };
    if (period > rules.currentPeriod)
      return {
        reason: 'FUTURE_PERIOD',
        message: `${period} has not happened yet (this is ${rules.currentPeriod}): an actual is booked once its month has begun.`,
      };
    return null;
  }
  if (!mayEditPlan(actor, measure.path, measure))
    return {
      reason: 'FORBIDDEN',
      message:
        actor.userId === measure.controllerId
          ? `You are this measure's controller: you validate its ${kind}, you do not edit it.`
          : `Only a planner of this measure (its owner included) may edit its ${kind}.`,
    };
  if (kind === 'forecast' && rules.closedThrough !== null && period <= rules.closedThrough)
    return {
      reason: 'PERIOD_LOCKED',
      message: `${period} is closed (closed through ${rules.closedThrough}): its forecast is locked.`,
    };
  return null;
}

/** A refused value as the planner typed it: short, and never a walk through a nested structure. */
const describeValue = (value: unknown) =>
  typeof value === 'string'
    ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
    : value !== null && typeof value === 'object'
      ? Array.isArray(value)
        ? 'A list'
        : 'An object'
      : `"${String(value)}"`;

/** Why a change's note or cell address may not be stored; null when both may. */
function textOf(change: CellChange): string | null {
  const note = change.note === undefined ? null : textProblem(change.note, 'free');
  if (note) return `The note ${note}: retype it.`;
  const cell = change.cell === undefined ? null : textProblem(change.cell, 'line');
  return cell ? `The cell address ${cell}.` : null;
}

export function evaluateChange(change: CellChange, ctx: EditContext): Decision {
  const { rules, current, measure } = ctx;
  if (!isPeriod(change.period))
    return reject('INVALID_VALUE', `"${change.period}" is not a period YYYY-MM.`);
  const text = textOf(change);
  if (text) return reject('INVALID_TEXT', text);
  const block = editBlock(change.kind, change.period, ctx);
  if (block) return reject(block.reason, block.message);

  const value = toMinor(change.value, rules.digits);
  if (value === null)
    return reject(
      'INVALID_VALUE',
      `${describeValue(change.value)} is not an amount with at most ${rules.digits} decimals.`,
    );

  const note = change.note?.trim() ?? '';
  const locked = rules.closedThrough !== null && change.period <= rules.closedThrough;

  // Optimistic concurrency: an edit made against an older record never overwrites a newer one.
  const stale =
    change.baseVersion === undefined
      ? current.version > 0 && current.value !== value
      : change.baseVersion !== current.version && current.value !== value;
  if (stale)
    return {
      outcome: 'conflict',
      reason: 'STALE_VERSION',
      message: `Someone changed this cell since you last saw it (now version ${current.version}).`,
    };

  if (current.value === value && current.version > 0)
    return { outcome: 'applied', value, unchanged: true };

  if (change.kind === 'actual') {
    if (locked && current.value !== null && !note)
      return reject(
        'NOTE_REQUIRED',
        `Changing a booked actual of closed period ${change.period} needs a reason.`,
      );
    return { outcome: 'applied', value, unchanged: false };
  }

  if (change.kind === 'baseline' || change.kind === 'target') {
    if (stageIndex(measure.stage) >= stageIndex('detailed'))
      return {
        outcome: 'pending',
        value,
        reason: 'APPROVAL_REQUIRED',
        message: `From Detailed on, a ${change.kind} change waits for the controller's approval.`,
      };
    return { outcome: 'applied', value, unchanged: false };
  }

  // forecast
  if (isMaterial(value, ctx)) {
    if (!note)
      return reject(
        'NOTE_REQUIRED',
        'This change is material: add a note explaining it, and it goes to the controller.',
      );
    return {
      outcome: 'pending',
      value,
      reason: 'MATERIAL_CHANGE',
      message:
        "Material change: it waits for the controller's approval; the approved value stays the record.",
    };
  }
  return { outcome: 'applied', value, unchanged: false };
}

/**
 * Material when the change moves the forecast — from the approved forecast, or from the target
 * where there is none — by more than materialityPct of the period's target, or by more than the
 * absolute threshold. With neither a target nor an absolute threshold nothing is material.
 */
export function isMaterial(
  value: number,
  ctx: Pick<EditContext, 'rules' | 'periodTarget' | 'periodForecast'>,
): boolean {
  const { rules, periodTarget, periodForecast } = ctx;
  const reference = periodForecast ?? periodTarget;
  if (reference === null)
    return rules.materialityAbs !== null && Math.abs(value) > rules.materialityAbs;
  const move = Math.abs(value - reference);
  if (
    periodTarget !== null &&
    periodTarget !== 0 &&
    move * 100 > Math.abs(periodTarget) * rules.materialityPct
  )
    return true;
  return rules.materialityAbs !== null && move > rules.materialityAbs;
}

/** How far a measure stands from its target, as reports flag it. */
export type VarianceFlag = 'shortfall' | 'ahead' | 'on_target';

/**
 * Off target when `value` stands from `target` by more than materialityPct of the target, or by
 * more than the absolute threshold (minor units; null: none) — below it a shortfall, above it
 * ahead. Without a target only the absolute threshold flags. The cells' variance flag and the
 * report's per-measure flag are this one rule.
 */
export function varianceFlag(
  value: number,
  target: number,
  rules: { materialityPct: number; materialityAbs: number | null },
): VarianceFlag {
  const gap = value - target;
  const beyond =
    (target !== 0 && Math.abs(gap) * 100 > Math.abs(target) * rules.materialityPct) ||
    (rules.materialityAbs !== null && Math.abs(gap) > rules.materialityAbs);
  return !beyond ? 'on_target' : gap < 0 ? 'shortfall' : 'ahead';
}
