// Ledger exports as controllers have them (api-v1.md, "CSV imports"): comma, semicolon or tab
// separated, headers in any case with extra columns ignored, amounts as ledgers write them, at
// most 100,000 data rows. Lines of one measure and period are journal lines of one actual: they
// are added up, and every line's outcome names the line its amount was added to.
import { parse } from 'csv-parse/sync';
import type { PushResult } from '../../../shared/api/schemas.js';
import { type DecimalMark, ledgerAmount } from '../../../shared/domain/ledger.js';
import { minorText, toMinor } from '../../../shared/money.js';
import { ApiError } from '../../http/errors.js';

export const MAX_IMPORT_ROWS = 100_000;

export interface LedgerLine {
  line: number;
  measure: string;
  period: string;
  amount: string;
  note?: string | undefined;
}

/** The separator of the header line: the one of comma, semicolon and tab it uses most, outside quotes. */
export function detectDelimiter(text: string): string {
  const header = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/, 1)[0]!
    .replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((d) => [d, header.split(d).length - 1] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

/** The CSV's data lines, each with its line number in the file; 400 when unreadable, 413 past the limit. */
export function readLedgerCsv(text: string): LedgerLine[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  let header: string[] = [];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
      columns: (h: string[]) => (header = h.map((x) => x.trim().toLowerCase())),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
      relax_column_count: true,
      // One past the limit is enough to know the file is over it: the rest is never parsed.
      to: MAX_IMPORT_ROWS + 1,
    }) as typeof records;
  } catch (e) {
    throw new ApiError(400, 'INVALID_CSV', `The CSV could not be read: ${(e as Error).message}`);
  }
  if (records.length > MAX_IMPORT_ROWS)
    throw new ApiError(
      413,
      'TOO_MANY_ROWS',
      `An import holds at most ${MAX_IMPORT_ROWS.toLocaleString('en')} rows: split the file.`,
    );
  const missing = ['measure', 'period', 'amount'].filter((h) => !header.includes(h));
  if (missing.length)
    throw new ApiError(
      400,
      'INVALID_CSV',
      `The CSV header must name measure, period and amount; missing: ${missing.join(', ')}.`,
      { header },
    );
  return records.map(({ record: r, info }) => ({
    line: info.lines,
    measure: r.measure ?? '',
    period: r.period ?? '',
    amount: r.amount ?? '',
    note: r.note || undefined,
  }));
}

export interface LedgerGroup {
  measure: string;
  period: string;
  amount: string;
  note?: string | undefined;
  lines: number[];
}

/**
 * Lines of one measure and period, added up exactly (in minor units). A group with a line whose
 * amount cannot be read is refused whole: its sum would be wrong.
 */
export function groupLedgerLines(
  lines: readonly LedgerLine[],
  decimal: DecimalMark,
  currencyOf: (measure: string) => string | null,
) {
  const byKey = new Map<
    string,
    { lines: LedgerLine[]; error?: { line: number; message: string } }
  >();
  for (const l of lines) {
    const key = `${l.measure}\u0000${l.period}`;
    const slot = byKey.get(key) ?? { lines: [] };
    slot.lines.push(l);
    byKey.set(key, slot);
  }
  const groups: LedgerGroup[] = [];
  /** Line → why it was refused before it reached the rules. */
  const refused = new Map<number, { code: 'INVALID_VALUE'; message: string }>();
  for (const { lines: members } of byKey.values()) {
    const first = members[0]!;
    // An unknown measure is left to the rules (UNKNOWN_MEASURE); its amounts need no currency.
    const currency = currencyOf(first.measure) ?? 'XXX';
    let total = 0;
    let bad: { line: number; message: string } | null = null;
    let decimals = 0;
    const parsed = members.map((l) => ledgerAmount(l.amount, decimal, currency));
    for (const p of parsed)
      if ('amount' in p) decimals = Math.max(decimals, p.amount.split('.')[1]?.length ?? 0);
    for (let i = 0; i < members.length && !bad; i++) {
      const p = parsed[i]!;
      const minor = 'amount' in p ? toMinor(p.amount, decimals) : null;
      if (minor === null)
        bad = {
          line: members[i]!.line,
          message: 'error' in p ? `${p.error}.` : `"${members[i]!.amount}" is not an amount.`,
        };
      else total += minor;
    }
    if (bad) {
      for (const l of members)
        refused.set(l.line, {
          code: 'INVALID_VALUE',
          message:
            l.line === bad.line
              ? bad.message
              : `Added to line ${first.line}, whose journal lines include one that is refused (line ${bad.line}).`,
        });
      continue;
    }
    const notes = [...new Set(members.map((l) => l.note).filter(Boolean))];
    const amount = minorText(total, decimals);
    groups.push({
      measure: first.measure,
      period: first.period,
      amount,
      note: notes.length ? notes.join('; ') : undefined,
      lines: members.map((l) => l.line),
    });
  }
  return { groups, refused };
}

/** One outcome per line, in file order: a line added to another shares its outcome and says so. */
export function ledgerOutcomes(
  lines: readonly LedgerLine[],
  groups: readonly LedgerGroup[],
  refused: ReadonlyMap<number, { code: string; message: string }>,
  results: readonly PushResult[],
) {
  const byLine = new Map<number, { result: PushResult; first: number }>();
  groups.forEach((g, i) => {
    for (const line of g.lines) byLine.set(line, { result: results[i]!, first: g.lines[0]! });
  });
  return lines.map((l) => {
    const bad = refused.get(l.line);
    if (bad) return { row: l.line, outcome: 'rejected' as const, reason: bad };
    const { result: r, first } = byLine.get(l.line)!;
    return {
      row: l.line,
      outcome: r.outcome,
      value: r.value,
      version: r.version,
      ...(first !== l.line ? { addedTo: first } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    };
  });
}
