// Decimal digits written straight into bytes: the one loop the byte writers share (JsonBytes for
// a push's answer and audit text, PackedRecords for the rows it stores). Each pads as its format
// needs: a packed record's fields start as zero digits, a JSON number needs none.

export const DIGIT_0 = 48;

/**
 * A safe non-negative integer's digits (at least one: 0 is "0"), written backwards into `b` so
 * that the last lands at `end`. Answers where the first landed.
 */
export function putDigits(b: Uint8Array, end: number, n: number): number {
  let i = end;
  // Small integers (most) in 32-bit arithmetic; larger ones by floating-point division.
  for (; n > 0x7fffffff; i--) {
    const q = Math.floor(n / 10);
    b[i] = DIGIT_0 + (n - q * 10);
    n = q;
  }
  do {
    const q = (n / 10) | 0;
    b[i--] = DIGIT_0 + (n - q * 10);
    n = q;
  } while (n > 0);
  return i + 1;
}
