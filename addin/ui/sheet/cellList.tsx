// What the sheet tab's lists of cells share (not pushed yet, last push, flagged cells): their
// layout, and how many items are rendered — a 240,000-cell paste is counted, not rendered.
import { Caption1, makeStyles, tokens } from '@fluentui/react-components';

export const CELLS_SHOWN = 100;

export const useCellListStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  list: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
  item: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalXS} 0`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  line: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  grow: { flexGrow: 1, minWidth: '120px' },
});

/** "… and N more." under a list of `count` items, when some were not rendered. */
export function MoreCells({ count }: { count: number }) {
  return count > CELLS_SHOWN ? <Caption1>… and {count - CELLS_SHOWN} more.</Caption1> : null;
}
