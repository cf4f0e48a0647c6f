import { z } from 'zod';
import { PERIOD_PATTERN } from '../periods.js';
import { toMinor } from '../money.js';
import { RAISED_EXCEPTION_TYPES } from '../model.js';

/** Organization settings: the numbers of the governance rules an organization may tune. */
export const SettingsShape = z.object({
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
  closedThrough: z.string().regex(PERIOD_PATTERN, 'YYYY-MM').nullable(),
  materialityPct: z.number().min(0).max(1000),
  materialityAbs: z.number().nonnegative().nullable(),
  steeringThreshold: z.number().nonnegative().nullable(),
  approvalSlaDays: z.number().int().positive().max(365),
  escalationValueLevel2: z.number().nonnegative().nullable(),
  escalationValueLevel3: z.number().nonnegative().nullable(),
  /** Which hand-raised types start cross-functional (2) or at the steering committee (3); else local (1). */
  exceptionRules: z.partialRecord(
    z.enum(RAISED_EXCEPTION_TYPES),
    z.union([z.literal(1), z.literal(2), z.literal(3)]),
  ),
});
export type OrgSettings = z.infer<typeof SettingsShape>;

export const DEFAULT_SETTINGS: OrgSettings = {
  currency: 'EUR',
  closedThrough: null,
  materialityPct: 10,
  materialityAbs: null,
  steeringThreshold: null,
  approvalSlaDays: 5,
  escalationValueLevel2: null,
  escalationValueLevel3: null,
  exceptionRules: {},
};

/** A change of some settings: no defaults, so what is not sent stays as it is. */
export const SettingsPatch = SettingsShape.partial().strict();

/** Stored settings, completed with the defaults. */
export const OrgSettingsSchema = SettingsShape.partial().transform((s): OrgSettings => ({
  ...DEFAULT_SETTINGS,
  ...s,
}));

/**
 * Why a settings change may not be made, or null. `holdsAmounts`: the organization already holds
 * an amount, so its currency is fixed (every stored minor unit would change meaning).
 */
export function settingsProblem(
  before: OrgSettings,
  after: OrgSettings,
  digits: number,
  holdsAmounts: boolean,
): { code: string; message: string } | null {
  if (after.currency !== before.currency && holdsAmounts)
    return {
      code: 'CURRENCY_LOCKED',
      message: `The organization already holds amounts in ${before.currency}: its currency can no longer change.`,
    };
  const unit = 10 ** -digits;
  const money: [keyof OrgSettings, string][] = [
    ['materialityAbs', 'The absolute materiality threshold'],
    ['steeringThreshold', 'The steering threshold'],
    ['escalationValueLevel2', 'The level 2 escalation value'],
    ['escalationValueLevel3', 'The level 3 escalation value'],
  ];
  for (const [key, name] of money) {
    const v = after[key] as number | null;
    if (v === null) continue;
    if (v < unit)
      return {
        code: 'INVALID_SETTINGS',
        message: `${name} is at least one minor unit (${unit} ${after.currency}); leave it empty for none.`,
      };
    if (toMinor(v, digits) === null)
      return {
        code: 'INVALID_SETTINGS',
        message: `${name} has more decimals than ${after.currency} has (${digits}).`,
      };
  }
  if (
    after.escalationValueLevel2 !== null &&
    after.escalationValueLevel3 !== null &&
    after.escalationValueLevel3 < after.escalationValueLevel2
  )
    return {
      code: 'INVALID_SETTINGS',
      message: 'Exceptions escalate upwards: the level 3 value must be at least the level 2 value.',
    };
  return null;
}

/** Whether two settings say the same (a change that changes nothing writes nothing). */
export const sameSettings = (a: OrgSettings, b: OrgSettings) =>
  (Object.keys(DEFAULT_SETTINGS) as (keyof OrgSettings)[]).every((k) => sameValue(a[k], b[k]));

/** Equal numbers, texts or nulls; or records of such with the same entries, in any order. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const x = Object.entries(a);
  return (
    x.length === Object.keys(b).length &&
    x.every(([k, v]) => (b as Record<string, unknown>)[k] === v)
  );
}
