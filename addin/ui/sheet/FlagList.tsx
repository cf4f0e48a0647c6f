// The flagged cells and their reasons, for a host that cannot show cell notes (Office 2021/2024
// perpetual lack ExcelApi 1.18): every reason the sheet would carry is here, with "go to cell".
import { Badge, Button, Caption1, Subtitle2, Text } from '@fluentui/react-components';
import { CELLS_SHOWN, MoreCells, useCellListStyles } from './cellList.js';
import type { FlaggedCell } from '../../sync/session.js';

export function FlagList({
  flags,
  onGoTo,
}: {
  flags: FlaggedCell[];
  onGoTo: (cell: FlaggedCell) => void;
}) {
  const s = useCellListStyles();
  return (
    <section className={s.section} aria-label="Flagged cells">
      <Subtitle2 as="h2">Flagged cells</Subtitle2>
      <Caption1>This Excel cannot show cell notes, so the reasons are listed here.</Caption1>
      {flags.length === 0 && <Caption1>None.</Caption1>}
      <ul className={s.list}>
        {flags.slice(0, CELLS_SHOWN).map((f) => (
          <li key={f.key} className={s.item}>
            <Text size={200}>
              <Badge appearance="outline">{f.measure}</Badge> {f.note}
            </Text>
            <Button size="small" appearance="subtle" onClick={() => onGoTo(f)}>
              Go to cell
            </Button>
          </li>
        ))}
      </ul>
      <MoreCells count={flags.length} />
    </section>
  );
}
