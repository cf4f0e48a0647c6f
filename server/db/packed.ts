// Fixed-width ASCII records packed in one BLOB, for the statements that write thousands of rows at
// once (a push's cells, their kept totals). SQLite cuts each record apart by byte offset (substr
// counts bytes in a blob), one row per record, their offsets counted by a recursive CTE: no JSON
// for SQLite to parse, and no string per row for the garbage collector. Fields from a JSON array
// per row, then from fixed-width text inside one, were the largest costs of a 100,000-cell push.
// Each feature's store lays out its own records (PackedCells, PackedTotals) with the writer and
// the SQL below, and keeps the worked example of its layout.

import { DIGIT_0, putDigits } from '../digits.js';

const PLUS = 43;
const MINUS = 45;
const NULL_MARK = 110; // 'n'
const SPACE = 32;

/** 10 ** width: the first number too wide for `width` digits (16 hold every safe integer). */
const WIDTH_LIMITS = Array.from({ length: 17 }, (_, width) => 10 ** width);

/** Bytes of a signed field: a sign ('+', '-', or 'n' for null) and 16 digits. */
export const SIGNED_BYTES = 17;

/** Records of `width` bytes, written field by field. */
export class PackedRecords {
  readonly #bytes: Uint8Array;
  #count = 0;

  /** Room for `capacity` records (the writer is sized once: its callers know how many at most). */
  constructor(
    readonly width: number,
    capacity: number,
  ) {
    // Zero digits throughout: a number then writes only its significant digits.
    this.#bytes = Buffer.allocUnsafe(capacity * width).fill(DIGIT_0);
  }

  /** Starts the next record: the offset its fields are written at. */
  next(): number {
    return this.#count++ * this.width;
  }

  get count() {
    return this.#count;
  }

  /** A safe non-negative integer as `width` digits, zeros first (the zeros are there already). */
  digits(at: number, width: number, n: number) {
    if (n >= WIDTH_LIMITS[width]!) throw new Error(`${n} has more than ${width} digits`);
    putDigits(this.#bytes, at + width - 1, n);
  }

  /** A safe integer or null in SIGNED_BYTES: a sign and 16 digits, or "n" and 16 zeros. */
  signed(at: number, n: number | null) {
    this.#bytes[at] = n === null ? NULL_MARK : n < 0 ? MINUS : PLUS;
    this.digits(at + 1, SIGNED_BYTES - 1, n === null ? 0 : Math.abs(n));
  }

  /** ASCII text in `width` bytes, spaces after it; null as "n" and spaces. */
  text(at: number, width: number, text: string | null) {
    const b = this.#bytes;
    const t = text ?? 'n';
    if (t.length > width) throw new Error(`"${t}" is longer than its ${width}-byte field`);
    for (let i = 0; i < width; i++) b[at + i] = i < t.length ? t.charCodeAt(i) : SPACE;
  }

  /** One byte: the digit of a small index (0–9). */
  index(at: number, i: number) {
    this.#bytes[at] = DIGIT_0 + i;
  }

  /** The records written so far. */
  bytes(): Uint8Array {
    return this.#bytes.subarray(0, this.#count * this.width);
  }
}

/**
 * The SQL reading records of `width` bytes from the BLOB parameter `param` (such as `?2`): a FROM
 * clause whose rows are the records, each at offset `o`, and the fields of the current record.
 */
export function packedSql(param: string, width: number) {
  const field = (offset: number, bytes: number) => `substr(${param}, o + ${offset + 1}, ${bytes})`;
  return {
    // A recursive CTE, not generate_series: that is an extension a libSQL server need not have
    // (about 10 ms more for 100,000 records).
    from: `(WITH RECURSIVE r(o) AS (SELECT 0 WHERE length(${param}) >= ${width} UNION ALL
      SELECT o + ${width} FROM r WHERE o + ${width} < length(${param})) SELECT o FROM r)`,
    integer: (offset: number, bytes: number) => `CAST(${field(offset, bytes)} AS INTEGER)`,
    signed: (offset: number) =>
      `CASE ${field(offset, 1)} WHEN X'6E' THEN NULL ELSE CAST(${field(offset, SIGNED_BYTES)} AS INTEGER) END`,
    /** A text field as written by `text` (trailing spaces dropped; "n" alone is null). */
    text: (offset: number, bytes: number) =>
      `nullif(rtrim(CAST(${field(offset, bytes)} AS TEXT), ' '), 'n')`,
    /** An index byte as the value at that index of `values`. */
    oneOf: (offset: number, values: readonly string[]) => {
      if (values.length > 10) throw new Error('an index byte holds one digit');
      return `CASE ${field(offset, 1)} ${values
        .map((v, i) => `WHEN X'${(DIGIT_0 + i).toString(16)}' THEN '${v}'`)
        .join(' ')} END`;
    },
  };
}
