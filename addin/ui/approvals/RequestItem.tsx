// One change request in the approvals list: what it changes, by how much, why it waits on you.
import { Caption1, Checkbox, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { ChangeRequestView } from '../../api/client.js';
import { WAITS_BECAUSE } from '../errors.js';

const useStyles = makeStyles({
  item: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    alignItems: 'flex-start',
    padding: `${tokens.spacingVerticalS} 0`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, minWidth: 0 },
});

const days = (iso: string) => Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 86_400_000));

export function RequestItem({
  request: r,
  picked,
  onPick,
}: {
  request: ChangeRequestView;
  picked: boolean;
  onPick: (on: boolean) => void;
}) {
  const s = useStyles();
  const win = r.kind === 'window' ? r.window : null;
  const cell = r.kind === 'window' ? null : r;
  const what = win
    ? `window ${win.from.startPeriod}…${win.from.endPeriod} → ${win.to.startPeriod}…${win.to.endPeriod}`
    : `${r.kind} ${r.period}`;
  const delta = r.value - (r.oldValue ?? 0);
  const share = cell?.periodTarget
    ? `${delta > 0 ? '+' : ''}${((delta / Math.abs(cell.periodTarget)) * 100).toFixed(1)} % of target`
    : null;
  const source = cell?.source;
  const label = `${r.measure} ${what}`;
  return (
    <li className={s.item} aria-label={`Request ${label}`}>
      <Checkbox
        checked={picked}
        onChange={(_, d) => onPick(!!d.checked)}
        aria-label={`Select ${label}`}
      />
      <div className={s.body}>
        <Text weight="semibold">
          {r.measure}
          {r.title ? ` · ${r.title}` : ''}
        </Text>
        <Text size={200}>
          {what}: {win ? 'committed target ' : ''}
          {r.oldValue ?? '—'} → <strong>{r.value}</strong>
          {share ? ` (${share})` : ''}
        </Text>
        {r.note && <Text size={200}>“{r.note}”</Text>}
        <Caption1>
          {WAITS_BECAUSE[r.reason] ?? r.reason} · {r.requestedBy?.name ?? '—'},{' '}
          {days(r.requestedAt)} day(s) ago
          {source?.cell
            ? ` · ${source.workbook ?? ''} ${source.sheet ? `${source.sheet}!` : ''}${source.cell}`
            : ''}
        </Caption1>
      </div>
    </li>
  );
}
