// What each flag in the sheet means: its fill, and the symbol that starts its note (so that no
// flag is told by colour alone).
import { Caption1, makeStyles, tokens } from '@fluentui/react-components';
import { LOOK_FILL, LOOK_SYMBOL } from '../../workbook/port.js';

export const LOOK_LABEL: Record<keyof typeof LOOK_FILL, string> = {
  applied: 'Applied: the record',
  pending: 'Pending approval',
  rejected: 'Rejected or not sent',
  conflict: 'Conflict: the record changed',
  variance: 'Forecast beyond tolerance',
  stale: 'Updated by others, or not the approved value',
  readonly: 'Read-only: a closed month or a frozen measure',
};

const useStyles = makeStyles({
  list: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))',
    gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
  item: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  swatch: {
    width: '18px',
    height: '18px',
    flexShrink: 0,
    borderRadius: tokens.borderRadiusSmall,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    fontSize: '11px',
    color: '#201F1E',
    forcedColorAdjust: 'none',
  },
});

export function Legend() {
  const s = useStyles();
  return (
    <ul className={s.list} aria-label="Legend of cell flags">
      {(Object.keys(LOOK_LABEL) as (keyof typeof LOOK_FILL)[]).map((look) => (
        <li key={look} className={s.item}>
          <span className={s.swatch} style={{ background: LOOK_FILL[look] }} aria-hidden="true">
            {LOOK_SYMBOL[look]}
          </span>
          <Caption1>{LOOK_LABEL[look]}</Caption1>
        </li>
      ))}
    </ul>
  );
}
