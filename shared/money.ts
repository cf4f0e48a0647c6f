// Money is stored and computed as integer minor units; decimals only exist on the wire.
// Minor units stay exact in a double up to 2^53 (≈ 9·10^13 units of a 2-digit currency).

const DECIMAL = /^-?\d+(\.\d+)?$/;

const digitsOf = new Map<string, number>();

/**
 * Decimals of a currency's minor unit. Remembered per currency: an Intl.NumberFormat takes tens
 * of microseconds to build, and reports ask once per measure.
 */
export function minorDigits(currency: string): number {
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    if (digitsOf.size < 1000) digitsOf.set(currency, digits);
  }
  return digits;
}

/**
 * Parses a wire amount (JSON number or decimal string) into minor units, or null when it is not
 * a number with at most `digits` decimals. Numbers go through their shortest decimal form, so
 * 0.1 + 0.2 style binary noise is refused rather than silently rounded.
 */
export function toMinor(value: unknown, digits: number): number | null {
  if (typeof value === 'number') {
    // n / 10^d is the double nearest the decimal n·10^-d, so the round trip holds exactly when the
    // number has at most d decimals (0.30000000000000004 and 10.001 fail it, 1050.25 passes).
    if (!Number.isFinite(value)) return null;
    const scale = 10 ** digits;
    const minor = Math.round(value * scale);
    if (!Number.isSafeInteger(minor) || minor / scale !== value) return null;
    return minor === 0 ? 0 : minor;
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!DECIMAL.test(text)) return null;
  const negative = text.startsWith('-');
  const [whole, frac = ''] = (negative ? text.slice(1) : text).split('.') as [string, string?];
  const trimmed = frac.replace(/0+$/, '');
  if (trimmed.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(trimmed.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return null;
  return negative && minor !== 0 ? -minor : minor;
}

/** Minor units back to a JSON number rounded to the currency's digits. */
export const fromMinor = (minor: number, digits: number) => minor / 10 ** digits;
export const fromMinorOrNull = (minor: number | null | undefined, digits: number) =>
  minor == null ? null : fromMinor(minor, digits);

/**
 * Exactly `String(fromMinor(minor, digits))` (the amount's JSON text), written from integers:
 * a 100,000-change answer and its audit print two or three amounts per change, and printing a
 * double is several times slower. Beyond 15 significant digits the double's own text is used.
 */
export function minorText(minor: number, digits: number): string {
  if (digits === 0 || !(Math.abs(minor) < 1e15)) return String(fromMinor(minor, digits));
  const abs = minor < 0 ? -minor : minor;
  const scale = 10 ** digits;
  const whole = Math.floor(abs / scale);
  let fraction = abs - whole * scale;
  if (fraction === 0) return minor < 0 ? `-${whole}` : `${whole}`;
  let places = digits;
  while (fraction % 10 === 0) {
    fraction /= 10;
    places--;
  }
  return `${minor < 0 ? '-' : ''}${whole}.${String(fraction).padStart(places, '0')}`;
}

export const sum = (values: Iterable<number>) => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};
