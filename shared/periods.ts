// Periods are calendar months written `YYYY-MM`; they sort as strings.
export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
export const isPeriod = (s: string) => PERIOD_PATTERN.test(s);

export function addMonths(period: string, n: number): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Every period from `from` to `to`, both included. */
export function periodsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let p = from; p <= to; p = addMonths(p, 1)) out.push(p);
  return out;
}

export const periodOf = (date: Date) =>
  `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;

export const inWindow = (period: string, start: string, end: string) =>
  period >= start && period <= end;
