import { z } from 'zod';
import { PERIOD_PATTERN } from '../periods.js';

/** Organization settings: the numbers of the governance rules an organization may tune. */
const SettingsShape = z.object({
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
  closedThrough: z.string().regex(PERIOD_PATTERN, 'YYYY-MM').nullable(),
  materialityPct: z.number().min(0).max(1000),
  materialityAbs: z.number().nonnegative().nullable(),
  steeringThreshold: z.number().nonnegative().nullable(),
  approvalSlaDays: z.number().int().positive().max(365),
  escalationValueLevel2: z.number().nonnegative().nullable(),
  escalationValueLevel3: z.number().nonnegative().nullable(),
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
};

/** A change of some settings: no defaults, so what is not sent stays as it is. */
export const SettingsPatch = SettingsShape.partial().strict();

/** Stored settings, completed with the defaults. */
export const OrgSettingsSchema = SettingsShape.partial().transform((s): OrgSettings => ({ ...DEFAULT_SETTINGS, ...s }));
