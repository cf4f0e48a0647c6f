// "Insert report": the scope's executive report written into the workbook, on a sheet of its own
// (refreshed in place the next time). A report sheet someone unprotected since is replaced only
// when the person says so here: something may have been typed on it.
import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { SyncSession } from '../../sync/session.js';
import { useNotices } from '../notices.js';

const useStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

export function InsertReport({ session, scope }: { session: SyncSession; scope: string }) {
  const s = useStyles();
  const { guard, show } = useNotices();
  const [busy, setBusy] = useState(false);
  const [unprotected, setUnprotected] = useState<string | null>(null);
  const insert = async (replaceUnprotected = false) => {
    setBusy(true);
    setUnprotected(null);
    show(null); // the last report's notice is about another moment
    await guard(async () => {
      const r = await session.insertReport(scope, { replaceUnprotected });
      if (!r.written) return setUnprotected(r.sheet);
      show({
        intent: 'success',
        title: r.refreshed ? 'Report refreshed' : 'Report inserted',
        text: `The report of ${scope} is on the sheet “${r.sheet}”${r.refreshed ? ', refreshed in place' : ''}: native tables and charts, protected so that nothing is typed where the next refresh writes.`,
      });
    });
    setBusy(false);
  };
  return (
    <div className={s.stack}>
      <Button appearance="primary" disabled={busy} onClick={() => void insert()}>
        {busy ? 'Writing the report…' : 'Insert report in the workbook'}
      </Button>
      {unprotected && (
        <MessageBar intent="warning" layout="multiline" role="alert">
          <MessageBarBody>
            <MessageBarTitle>The report’s sheet was unprotected</MessageBarTitle>
            Someone unprotected “{unprotected}” since the report was written, and may have typed on
            it. Refreshing replaces everything on that sheet.
          </MessageBarBody>
          <MessageBarActions>
            <Button size="small" onClick={() => void insert(true)}>
              Replace it
            </Button>
            <Button appearance="transparent" size="small" onClick={() => setUnprotected(null)}>
              Keep it
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
    </div>
  );
}
