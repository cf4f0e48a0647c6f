// The scope's figures at a glance, for the pane's narrow width: expected against target, the value
// pipeline by stage (on hold apart), target, forecast and actual by month, the two statuses side
// by side, open exceptions by level, whom decisions wait on, and the widest variances. Fluent UI's
// v9 charts; every figure is also written out, for screen readers and for a glance.
import {
  Body1,
  Button,
  Caption1,
  Card,
  Field,
  Input,
  makeStyles,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import {
  GroupedVerticalBarChart,
  HorizontalBarChart,
  ResponsiveContainer,
} from '@fluentui/react-charts';
import { useCallback, useEffect, useState } from 'react';
import type { GatecellClient } from '../../api/client.js';
import type { SyncSession } from '../../sync/session.js';
import { useNotices } from '../notices.js';
import { type DashboardFigures, dashboardFigures } from './figures.js';
import { InsertReport } from './InsertReport.js';

const useStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'end' },
  grow: { flexGrow: 1, minWidth: '120px' },
  tiles: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(88px, 1fr))',
    gap: tokens.spacingHorizontalS,
  },
  tile: { display: 'flex', flexDirection: 'column' },
  figure: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  pair: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(130px, 1fr))',
    gap: tokens.spacingHorizontalS,
  },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

const COLORS = {
  target: tokens.colorPaletteBlueForeground2,
  forecast: tokens.colorPaletteMarigoldForeground2,
  actual: tokens.colorPaletteGreenForeground2,
};
const STATUS_COLORS: Record<string, string> = {
  'On track': tokens.colorPaletteGreenForeground2,
  'At risk': tokens.colorPaletteMarigoldForeground2,
  Delayed: tokens.colorPaletteRedForeground2,
  'Off track': tokens.colorPaletteRedForeground2,
  Completed: tokens.colorPaletteBlueForeground2,
  Cancelled: tokens.colorNeutralForeground3,
};

const amount = (n: number) => n.toLocaleString(undefined, { maximumFractionDigits: 0 });

export function DashboardTab({
  client,
  session,
  visible,
  defaultScope,
}: {
  client: GatecellClient;
  /** Writes the report into the workbook (none before the organization's settings are read). */
  session: SyncSession | null;
  visible: boolean;
  defaultScope: string;
}) {
  const s = useStyles();
  const { guard } = useNotices();
  const [scope, setScope] = useState(defaultScope);
  const [shown, setShown] = useState<{ scope: string; f: DashboardFigures } | null>(null);
  const load = useCallback(
    (code: string) =>
      guard(async () => {
        const r = await client.rollup(code);
        setShown({ scope: r.scope, f: dashboardFigures(r) });
      }),
    [client, guard],
  );
  useEffect(() => {
    if (visible && defaultScope && !shown) void load(defaultScope);
  }, [visible, defaultScope, shown, load]);

  const f = shown?.f;
  return (
    <section className={s.stack} aria-label="Dashboard">
      <form
        className={s.row}
        onSubmit={(e) => {
          e.preventDefault();
          void load(scope.trim());
        }}
      >
        <Field label="Scope" className={s.grow}>
          <Input value={scope} onChange={(_, d) => setScope(d.value)} />
        </Field>
        <Button type="submit" disabled={!scope.trim()}>
          Show
        </Button>
      </form>
      {f && (
        <>
          {session && <InsertReport session={session} scope={shown.scope} />}
          <Card aria-label="Expected against target">
            <Subtitle2 as="h2">{shown.scope}: expected against target</Subtitle2>
            <div className={s.tiles}>
              <div className={s.tile}>
                <Caption1>Target</Caption1>
                <span className={s.figure}>{amount(f.headline.target)}</span>
              </div>
              <div className={s.tile}>
                <Caption1>Expected</Caption1>
                <span className={s.figure}>{amount(f.headline.expected)}</span>
              </div>
              <div className={s.tile}>
                <Caption1>Gap</Caption1>
                <span className={s.figure}>{amount(f.headline.gap)}</span>
              </div>
              {f.headline.share !== null && (
                <div className={s.tile}>
                  <Caption1>Of target</Caption1>
                  <span className={s.figure}>{Math.round(f.headline.share * 100)} %</span>
                </div>
              )}
            </div>
          </Card>
          <Card aria-label="Pipeline by stage">
            <Subtitle2 as="h2">Value pipeline by stage</Subtitle2>
            <HorizontalBarChart
              legendProps={{ enabledWrapLines: true }}
              data={f.pipeline.map((p) => ({
                chartTitle: `${p.stage} (${p.count})`,
                chartData: [
                  {
                    legend: p.stage,
                    horizontalBarChartdata: { x: p.target, total: f.pipelineScale },
                    color: COLORS.target,
                  },
                ],
              }))}
            />
          </Card>
          {f.months.length > 0 && (
            <Card aria-label="By month">
              <Subtitle2 as="h2">Target, forecast and actual by month</Subtitle2>
              <ResponsiveContainer height={220}>
                <GroupedVerticalBarChart
                  hideLabels
                  data={f.months.map((m) => ({
                    name: m.period,
                    series: (['target', 'forecast', 'actual'] as const).map((k) => ({
                      key: k,
                      legend: k[0]!.toUpperCase() + k.slice(1),
                      data: m[k],
                      color: COLORS[k],
                    })),
                  }))}
                />
              </ResponsiveContainer>
            </Card>
          )}
          <Card aria-label="Status">
            <Subtitle2 as="h2">Implementation and potential</Subtitle2>
            <HorizontalBarChart
              chartDataMode="fraction"
              data={(['implementation', 'potential'] as const).map((which) => {
                const total = f[which].reduce((t, x) => t + x.count, 0) || 1;
                return {
                  chartTitle: which === 'implementation' ? 'Implementation' : 'Potential',
                  chartData: f[which].map((x) => ({
                    legend: x.status,
                    horizontalBarChartdata: { x: x.count, total },
                    color: STATUS_COLORS[x.status] ?? tokens.colorNeutralForeground3,
                  })),
                };
              })}
            />
            <div className={s.pair}>
              {(['implementation', 'potential'] as const).map((which) => (
                <ul
                  key={which}
                  className={s.list}
                  aria-label={which === 'implementation' ? 'Implementation' : 'Potential'}
                >
                  {f[which].map((x) => (
                    <li key={x.status}>
                      <Body1>
                        {which === 'implementation' ? 'Implementation' : 'Potential'}{' '}
                        {x.status.toLowerCase()}: {x.count}
                      </Body1>
                    </li>
                  ))}
                </ul>
              ))}
            </div>
          </Card>
          <Card aria-label="Open exceptions">
            <Subtitle2 as="h2">Open exceptions by level</Subtitle2>
            <ul className={s.list}>
              {f.exceptions.map((e) => (
                <li key={e.level}>
                  <Body1>
                    Level {e.level} ({['local', 'cross-functional', 'steering'][e.level - 1]}):{' '}
                    {e.count}
                  </Body1>
                </li>
              ))}
            </ul>
          </Card>
          <Card aria-label="Decisions waiting">
            <Subtitle2 as="h2">Decisions waiting</Subtitle2>
            {f.waiting.length ? (
              <ul className={s.list}>
                {f.waiting.map((d) => (
                  <li key={d.who}>
                    <Body1>
                      {d.who}: {d.changes} change(s), {d.gates} gate(s)
                    </Body1>
                  </li>
                ))}
              </ul>
            ) : (
              <Body1>None.</Body1>
            )}
          </Card>
          {f.furthest.length > 0 && (
            <Card aria-label="Furthest from target">
              <Subtitle2 as="h2">Furthest from target</Subtitle2>
              <ul className={s.list}>
                {f.furthest.map((v) => (
                  <li key={v.measure}>
                    <Body1>
                      {v.measure} ({v.owner.name}): {amount(v.variance)}
                    </Body1>
                  </li>
                ))}
              </ul>
            </Card>
          )}
        </>
      )}
    </section>
  );
}
