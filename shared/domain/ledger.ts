// Amounts as ledger exports write them (api-v1.md, "CSV imports"): thousands separators, a
// currency symbol or the organization's currency code, parentheses for negatives, and a decimal
// comma where the file says so. Parsed into the plain decimal the finance rules read.

export type DecimalMark = 'point' | 'comma';

const SYMBOLS = /[€$£¥₣₤₹₩₽₺₪¢]/g;
// Spaces a ledger writes between thousands: plain, no-break, narrow no-break, thin.
const SPACES = /[\s\u00A0\u202F\u2009]/g;

// Either no grouping at all, or groups of exactly three digits; then the decimal part.
const SHAPE: Record<DecimalMark, RegExp> = {
  point: /^(\d+|\d{1,3}([,']\d{3})+)(\.\d+)?$/,
  comma: /^(\d+|\d{1,3}([.']\d{3})+)(,\d+)?$/,
};

/**
 * The amount as a plain decimal ("-1200.00"), or why it is not one. `currency`: the
 * organization's code, accepted before or after the number; another code is refused.
 */
export function ledgerAmount(
  text: string,
  decimal: DecimalMark,
  currency: string,
): { amount: string } | { error: string } {
  let s = text.replace(SPACES, '').replace(SYMBOLS, '');
  if (!/\d/.test(s)) return { error: `"${text}" is not an amount` };
  const code = /^([A-Za-z]{3})|([A-Za-z]{3})$/.exec(s);
  if (code) {
    const found = (code[1] ?? code[2]!).toUpperCase();
    if (found !== currency)
      return { error: `"${text}" is in ${found}; this organization books ${currency}` };
    s = code[1] ? s.slice(3) : s.slice(0, -3);
  }
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (s.startsWith('-')) {
    if (negative) return { error: `"${text}" is negative twice` };
    negative = true;
    s = s.slice(1);
  } else if (s.endsWith('-')) {
    negative = true;
    s = s.slice(0, -1);
  }
  if (!SHAPE[decimal].test(s)) {
    const hint =
      decimal === 'point' && /^\d{1,3}(\.\d{3})+,\d+$/.test(s)
        ? ' (a decimal comma? send ?decimal=comma)'
        : '';
    return { error: `"${text}" is not an amount${hint}` };
  }
  const [whole, fraction] = s.split(decimal === 'comma' ? ',' : '.') as [string, string?];
  const digits = whole.replace(/[.,']/g, '');
  return {
    amount: `${negative ? '-' : ''}${digits}${fraction === undefined ? '' : `.${fraction}`}`,
  };
}
