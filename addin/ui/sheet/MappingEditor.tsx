// The proposed mapping of a table's columns, which the planner confirms or edits before it is
// saved. Kinds come from the model; a table bound before is bound again (its binding replaced).
import {
  Button,
  Caption1,
  Card,
  CardHeader,
  Checkbox,
  Field,
  Input,
  makeStyles,
  Select,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { CELL_KINDS } from '../../../shared/model.js';
import {
  buildMapping,
  choicesFrom,
  type ColumnChoice,
  type Mapping,
  type Proposal,
} from '../../../shared/sync/mapping.js';

const useStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    flexWrap: 'wrap',
    alignItems: 'center',
    paddingLeft: '32px',
  },
  month: { width: '96px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function MappingEditor({
  table,
  headers,
  proposal,
  initialName,
  defaultScope,
  rebinding,
  onCancel,
  onConfirm,
}: {
  table: string;
  headers: string[];
  proposal: Proposal;
  initialName: string;
  defaultScope: string;
  rebinding: boolean;
  onCancel: () => void;
  onConfirm: (name: string, scope: string, mapping: Mapping) => void;
}) {
  const s = useStyles();
  const [name, setName] = useState(initialName);
  const [scope, setScope] = useState(defaultScope);
  const [codeColumn, setCodeColumn] = useState(proposal.mapping?.codeColumn ?? -1);
  const [choices, setChoices] = useState<ColumnChoice[]>(() => choicesFrom(headers, proposal));
  const built = buildMapping(headers, codeColumn, choices);
  const change = (column: number, patch: Partial<ColumnChoice>) =>
    setChoices((cs) => cs.map((c) => (c.column === column ? { ...c, ...patch } : c)));
  return (
    <Card>
      <CardHeader
        header={
          <Subtitle2 as="h2">
            {rebinding ? 'Bind again' : 'Bind'} table {table}
          </Subtitle2>
        }
        description={
          <Caption1>
            {rebinding
              ? 'This table is bound: confirming replaces its binding.'
              : 'Check the proposed mapping; change what is wrong.'}
          </Caption1>
        }
      />
      <Field label="Measure codes are in">
        <Select value={String(codeColumn)} onChange={(_, d) => setCodeColumn(Number(d.value))}>
          <option value="-1">Choose a column</option>
          {headers.map((h, i) => (
            <option key={i} value={i}>
              {h}
            </option>
          ))}
        </Select>
      </Field>
      <div className={s.stack} role="group" aria-label="Proposed mapping">
        {choices
          .filter((c) => c.column !== codeColumn)
          .map((c) => (
            <div key={c.column}>
              <Checkbox
                checked={c.bound}
                onChange={(_, d) => change(c.column, { bound: !!d.checked })}
                label={headers[c.column]}
              />
              {c.bound && (
                <div className={s.row}>
                  <Select
                    size="small"
                    aria-label={`Kind of ${headers[c.column]}`}
                    value={c.kind}
                    onChange={(_, d) => change(c.column, { kind: d.value as ColumnChoice['kind'] })}
                  >
                    {CELL_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {k}
                      </option>
                    ))}
                  </Select>
                  <Input
                    size="small"
                    className={s.month}
                    aria-label={`Month of ${headers[c.column]}`}
                    value={c.period}
                    onChange={(_, d) => change(c.column, { period: d.value })}
                  />
                </div>
              )}
            </div>
          ))}
      </div>
      {built.problems.map((p) => (
        <Caption1 key={p} className={s.muted}>
          {p}
        </Caption1>
      ))}
      <Field label="Binding name" required>
        <Input value={name} onChange={(_, d) => setName(d.value)} />
      </Field>
      <Field
        label="Scope (node code)"
        required
        hint="The organization, portfolio, program, project or package whose measures this table holds."
      >
        <Input value={scope} onChange={(_, d) => setScope(d.value)} />
      </Field>
      <div className={s.stack}>
        <Button
          appearance="primary"
          disabled={!built.mapping || !name.trim() || !scope.trim()}
          onClick={() => onConfirm(name.trim(), scope.trim(), built.mapping!)}
        >
          Confirm binding
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </Card>
  );
}
