// The task pane: connect, then three tabs — the sheet (bind, push, pull), the measure behind the
// selected cell, and what waits on you. Notices come from one context; the organization's
// settings (currency digits, tolerance) come from the service, never restated here.
import {
  Button,
  Caption1,
  makeStyles,
  Tab,
  TabList,
  Title3,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';
import { DEFAULT_SETTINGS, type OrgSettings } from '../../shared/domain/settings.js';
import { minorDigits } from '../../shared/money.js';
import { ApiCallError, GatecellClient } from '../api/client.js';
import { SyncSession } from '../sync/session.js';
import { WorkbookStateStore } from '../sync/state.js';
import type { WorkbookPort } from '../workbook/port.js';
import { DashboardTab } from './dashboard/DashboardTab.js';
import { ApprovalsTab } from './approvals/ApprovalsTab.js';
import { ConnectForm } from './connect/ConnectForm.js';
import {
  type Connection,
  loadConnection,
  mayConnectQuietly,
  rememberSignedOut,
  saveConnection,
} from './connect/connection.js';
import { officeSignInToken, signInFailure } from './connect/sso.js';
import { MeasureTab } from './measure/MeasureTab.js';
import { NoticeBar } from './NoticeBar.js';
import { useNotices } from './notices.js';
import { SheetTab } from './sheet/SheetTab.js';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    minWidth: '280px',
    maxWidth: '520px',
    boxSizing: 'border-box',
    color: tokens.colorNeutralForeground1,
  },
  header: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    alignItems: 'center',
    justifyContent: 'space-between',
  },
});

type Me = Awaited<ReturnType<GatecellClient['me']>>;
type TabName = 'sheet' | 'measure' | 'approvals' | 'dashboard';

/** The service's client for a connection: the person's token, or Office's sign-in token. */
const clientOf = (c: Connection, quietly = false) =>
  new GatecellClient(c.url, c.sso ? () => officeSignInToken(quietly) : c.token);

export function App({ port }: { port: WorkbookPort }) {
  const s = useStyles();
  const { guard, show } = useNotices();
  const [connection, setConnection] = useState<Connection | null>(loadConnection());
  const [me, setMe] = useState<Me | null>(null);
  const [settings, setSettings] = useState<OrgSettings | null>(null);
  const [tab, setTab] = useState<TabName>('sheet');
  const client = useMemo(() => (connection ? clientOf(connection) : null), [connection]);
  const session = useMemo(() => {
    if (!client || !settings) return null;
    return new SyncSession(port, client, new WorkbookStateStore(port), {
      digits: minorDigits(settings.currency),
      tolerancePct: settings.materialityPct,
      newKey: () => crypto.randomUUID(),
    });
  }, [client, port, settings]);

  useEffect(() => {
    if (!client) return;
    void guard(async () => {
      const who = await client.me();
      const node = who.grants[0]?.node;
      setSettings(node ? (await client.node(node)).settings : DEFAULT_SETTINGS);
      setMe(who);
    });
  }, [client, guard]);

  if (!connection || !me)
    return (
      <main className={s.root}>
        <Title3 as="h1">Gatecell</Title3>
        <NoticeBar />
        <ConnectForm
          initial={connection}
          quietSignIn={mayConnectQuietly()}
          onQuietSignIn={async (c) => {
            // Nothing to say when it does not work: the form is there.
            const who = await clientOf(c, true)
              .me()
              .catch(() => null);
            if (!who) return;
            saveConnection(c);
            setConnection(c);
          }}
          onConnect={async (c) => {
            const who = await guard(() =>
              clientOf(c)
                .me()
                .catch((e: unknown) => {
                  // Office's refusal (not the service's): say what it means, keep the form.
                  if (c.sso && !(e instanceof ApiCallError)) throw new Error(signInFailure(e));
                  throw e;
                }),
            );
            if (!who) return;
            saveConnection(c);
            rememberSignedOut(false);
            setConnection(c);
            show(null);
          }}
        />
      </main>
    );

  return (
    <main className={s.root}>
      <div className={s.header}>
        <Title3 as="h1">Gatecell</Title3>
        <Button
          appearance="subtle"
          size="small"
          onClick={() => {
            saveConnection(null);
            rememberSignedOut(true);
            setConnection(null);
            setMe(null);
          }}
        >
          Sign out
        </Button>
      </div>
      <Caption1 aria-label="Signed in as">
        {me.user.name} ·{' '}
        {me.superAdmin
          ? 'administrator'
          : [...new Set(me.grants.map((g) => `${g.role} on ${g.node}`))].join(', ')}
      </Caption1>
      <NoticeBar />
      <TabList
        size="small"
        selectedValue={tab}
        onTabSelect={(_, d) => setTab(d.value as TabName)}
        aria-label="Gatecell"
      >
        <Tab value="sheet">Sheet</Tab>
        <Tab value="measure">Measure</Tab>
        <Tab value="approvals">Approvals</Tab>
        <Tab value="dashboard">Dashboard</Tab>
      </TabList>
      {/* All tabs stay mounted: the on-open check runs once and the sheet keeps refreshing on any tab. */}
      <div role="tabpanel" aria-label="Sheet" hidden={tab !== 'sheet'}>
        {session && <SheetTab port={port} session={session} me={me} />}
      </div>
      <div role="tabpanel" aria-label="Measure" hidden={tab !== 'measure'}>
        {client && <MeasureTab port={port} session={session} client={client} />}
      </div>
      <div role="tabpanel" aria-label="Approvals" hidden={tab !== 'approvals'}>
        {client && <ApprovalsTab client={client} visible={tab === 'approvals'} />}
      </div>
      <div role="tabpanel" aria-label="Dashboard" hidden={tab !== 'dashboard'}>
        {client && (
          <DashboardTab
            client={client}
            session={session}
            visible={tab === 'dashboard'}
            defaultScope={me.grants[0]?.node ?? ''}
          />
        )}
      </div>
    </main>
  );
}
