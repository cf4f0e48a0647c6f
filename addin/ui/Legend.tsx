import { Caption1, makeStyles, tokens } from '@fluentui/react-components';
import { LOOK_FILL } from '../workbook/port.js';

const LABELS: Record<keyof typeof LOOK_FILL, string> = {
  applied: 'Applied: the record',
  pending: 'Pending approval',
  rejected: 'Rejected or not sent',
  conflict: 'Conflict: changed by someone else',
  variance: 'Forecast beyond tolerance of target',
  stale: 'Updated by others, or not the approved value',
  readonly: 'Read-only for you',
};

const useStyles = makeStyles({
  list: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`, margin: 0, padding: 0, listStyle: 'none' },
  item: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  swatch: { width: '14px', height: '14px', flexShrink: 0, borderRadius: tokens.borderRadiusSmall, border: `1px solid ${tokens.colorNeutralStroke1}` },
});

export function Legend() {
  const s = useStyles();
  return (
    <ul className={s.list} aria-label="Legend of cell colours">
      {(Object.keys(LABELS) as (keyof typeof LOOK_FILL)[]).map((look) => (
        <li key={look} className={s.item}>
          <span className={s.swatch} style={{ background: LOOK_FILL[look] }} />
          <Caption1>{LABELS[look]}</Caption1>
        </li>
      ))}
    </ul>
  );
}
