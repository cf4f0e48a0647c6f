import { describe, expect, it } from 'vitest';
import {
  buildMapping,
  choicesFrom,
  identify,
  parseHeader,
  parsePeriod,
  proposeMapping,
  resolveMapping,
} from '../../shared/sync/mapping.js';

describe('header mapping', () => {
  it('reads the ways planners write months', () => {
    for (const [text, period] of <[string, string][]>[
      ['2027-03', '2027-03'],
      ['2027/3', '2027-03'],
      ['03/2027', '2027-03'],
      ['Mar 2027', '2027-03'],
      ['March 2027', '2027-03'],
      ['Mar-27', '2027-03'],
      ['mar27', '2027-03'],
    ])
      expect(parsePeriod(text), text).toBe(period);
    for (const bad of ['2027-13', '13/2027', 'Foo 2027', '2027', 'next month'])
      expect(parsePeriod(bad), bad).toBeNull();
  });
  it('reads kind and period from a header', () => {
    expect(parseHeader('Forecast 2027-03')).toEqual({ kind: 'forecast', period: '2027-03' });
    expect(parseHeader('FC Mar 2027')).toEqual({ kind: 'forecast', period: '2027-03' });
    expect(parseHeader('target_2027-04')).toEqual({ kind: 'target', period: '2027-04' });
    expect(parseHeader('Actual: 2027-01')).toEqual({ kind: 'actual', period: '2027-01' });
    expect(parseHeader('Baseline Jan-27')).toEqual({ kind: 'baseline', period: '2027-01' });
    expect(parseHeader('Comment')).toBeNull();
    expect(parseHeader('Budget 2027-01')).toBeNull();
    expect(parseHeader(42)).toBeNull();
  });
  it('proposes the code column and every governed column, and leaves the rest alone', () => {
    const p = proposeMapping([
      'Measure',
      'Title',
      'Forecast 2027-03',
      'Target 2027-03',
      'Owner note',
      'Actual Mar 2027',
    ]);
    expect(p.mapping).toEqual({
      codeColumn: 0,
      columns: [
        { column: 2, kind: 'forecast', period: '2027-03' },
        { column: 3, kind: 'target', period: '2027-03' },
        { column: 5, kind: 'actual', period: '2027-03' },
      ],
    });
    expect(p.ignored.map((i) => i.header)).toEqual(['Title', 'Owner note']);
    expect(p.problems).toEqual([]);
  });
  it('says what is missing or ambiguous', () => {
    expect(proposeMapping(['Title', 'Forecast 2027-03']).problems[0]).toMatch(/measure codes/);
    expect(proposeMapping(['Code', 'Title']).problems[0]).toMatch(/Forecast 2027-03/);
    const dup = proposeMapping(['Code', 'Forecast 2027-03', 'FC Mar 2027']);
    expect(dup.mapping!.columns).toHaveLength(1);
    expect(dup.problems[0]).toMatch(/both map to forecast 2027-03/);
  });
});

describe('editing the proposed mapping', () => {
  const headers = ['Code', 'Title', 'Forecast 2027-03', 'Budget 2027-03'];
  it('starts from the proposal and binds what the planner adds', () => {
    const choices = choicesFrom(headers, proposeMapping(headers));
    expect(choices.map((c) => c.bound)).toEqual([false, false, true, false]);
    choices[3] = { column: 3, bound: true, kind: 'target', period: 'Mar 2027' };
    expect(buildMapping(headers, 0, choices)).toEqual({
      mapping: {
        codeColumn: 0,
        columns: [
          { column: 2, kind: 'forecast', period: '2027-03' },
          { column: 3, kind: 'target', period: '2027-03' },
        ],
      },
      problems: [],
    });
  });
  it('refuses a bad month, a cell bound twice, or nothing bound', () => {
    const choices = choicesFrom(headers, proposeMapping(headers));
    expect(
      buildMapping(headers, 0, [
        ...choices.slice(0, 3),
        { column: 3, bound: true, kind: 'forecast', period: '2027-03' },
      ]).problems,
    ).toEqual(['"Budget 2027-03" and "Forecast 2027-03" are both forecast 2027-03.']);
    expect(
      buildMapping(headers, 0, [{ column: 3, bound: true, kind: 'target', period: 'soon' }])
        .problems[0],
    ).toMatch(/"soon" is not a month/);
    expect(buildMapping(headers, 0, []).mapping).toBeNull();
    expect(buildMapping(headers, -1, choices).problems).toContain(
      'Choose the column of measure codes.',
    );
  });
});

describe('bound columns are found by identity', () => {
  const table = {
    headers: ['Measure', 'Forecast 2027-03', 'Forecast 2027-04'],
    columnIds: [1, 2, 3],
  };
  const bound = identify(proposeMapping(table.headers).mapping!, table);

  it('a moved or inserted column leaves every bound column where its id now stands', () => {
    const now = {
      headers: ['Measure', 'Forecast 2027-04', 'Comment', 'Forecast 2027-03'],
      columnIds: [1, 3, 9, 2],
    };
    const { mapping, problems } = resolveMapping(bound, now);
    expect(problems).toEqual([]);
    expect(mapping!.codeColumn).toBe(0);
    expect(mapping!.columns.map((c) => [c.period, c.column])).toEqual([
      ['2027-03', 3],
      ['2027-04', 1],
    ]);
  });
  it('a deleted or retitled bound column stops the binding, saying which', () => {
    expect(
      resolveMapping(bound, { headers: ['Measure', 'Forecast 2027-04'], columnIds: [1, 3] })
        .problems,
    ).toEqual([expect.stringMatching(/"Forecast 2027-03" was deleted/)]);
    const retitled = resolveMapping(bound, {
      headers: ['Measure', 'Forecast 2027-05', 'Forecast 2027-04'],
      columnIds: [1, 2, 3],
    });
    expect(retitled.mapping).toBeNull();
    expect(retitled.problems).toEqual([
      expect.stringMatching(/"Forecast 2027-03" is now titled "Forecast 2027-05"/),
    ]);
    expect(
      resolveMapping(bound, {
        headers: ['Code', 'Forecast 2027-03', 'Forecast 2027-04'],
        columnIds: [7, 2, 3],
      }).problems,
    ).toEqual([expect.stringMatching(/"Measure" was deleted/)]);
  });
  it('a binding saved before ids were kept is read by position only while its headers still say the same', () => {
    const legacy = proposeMapping(table.headers).mapping!;
    expect(resolveMapping(legacy, table).problems).toEqual([]);
    expect(
      resolveMapping(legacy, {
        headers: ['Measure', 'Comment', 'Forecast 2027-03', 'Forecast 2027-04'],
        columnIds: [1, 9, 2, 3],
      }).mapping,
    ).toBeNull();
  });
});
