// JSON text written straight into UTF-8 bytes, for the two texts a 100,000-change push writes a
// piece per change of: its answer and its audit events. Built from strings, each was hundreds of
// thousands of small strings, then joined, then encoded once more for the socket, the hash or
// SQLite; together they were most of what a push allocated. The bytes are exactly the UTF-8 of the
// text the straightforward code builds (minorText, JSON.stringify), which the tests hold them to.
import { fromMinor } from '../shared/money.js';
import { DIGIT_0, putDigits } from './digits.js';

const MINUS = 45;
const DOT = 46;
const QUOTE = 34;
const BACKSLASH = 92;
/** Texts up to this long are written byte by byte. */
const SHORT = 64;

export class JsonBytes {
  #bytes: Buffer<ArrayBuffer>;
  #used = 0;

  /** `expected`: the bytes the text will likely take (it grows as needed). */
  constructor(expected = 16 * 1024) {
    this.#bytes = Buffer.allocUnsafe(Math.max(64, expected));
  }

  get length() {
    return this.#used;
  }

  #room(more: number) {
    if (this.#used + more <= this.#bytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.#used + more, 2 * this.#bytes.length));
    this.#bytes.copy(bigger, 0, 0, this.#used);
    this.#bytes = bigger;
  }

  /** One ASCII character, by its code ('[' is 91). */
  char(code: number): this {
    this.#room(1);
    this.#bytes[this.#used++] = code;
    return this;
  }

  /** Text that is JSON already (any characters), as UTF-8. */
  raw(text: string): this {
    const n = text.length;
    this.#room(n * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
    // Short ASCII text (most pieces) byte by byte: a call into Buffer's encoder costs more.
    if (n <= SHORT) {
      const b = this.#bytes;
      const at = this.#used;
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        b[at + i] = c;
      }
      if (i === n) {
        this.#used += n;
        return this;
      }
    }
    this.#used += this.#bytes.write(text, this.#used, 'utf8');
    return this;
  }

  /** A JSON string: exactly JSON.stringify(text). */
  string(text: string): this {
    const n = text.length;
    if (n <= SHORT) {
      // Printable ASCII without a quote or a backslash is its own JSON text, between quotes.
      this.#room(n + 2);
      const b = this.#bytes;
      const at = this.#used;
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x20 || c >= 0x7f || c === QUOTE || c === BACKSLASH) break;
        b[at + 1 + i] = c;
      }
      if (i === n) {
        b[at] = QUOTE;
        b[at + n + 1] = QUOTE;
        this.#used += n + 2;
        return this;
      }
    }
    return this.raw(JSON.stringify(text));
  }

  /** A safe integer, as String() prints it. */
  integer(n: number): this {
    if (!Number.isSafeInteger(n)) return this.raw(String(n));
    this.#room(17);
    const b = this.#bytes;
    if (n < 0) {
      b[this.#used++] = MINUS;
      n = -n;
    }
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    putDigits(b, this.#used + digits - 1, n);
    this.#used += digits;
    return this;
  }

  /** An amount in minor units, `digits` decimals to the unit: exactly minorText(minor, digits). */
  minor(minor: number, digits: number): this {
    if (digits === 0 || !(Math.abs(minor) < 1e15))
      return this.raw(String(fromMinor(minor, digits)));
    const abs = minor < 0 ? -minor : minor;
    const scale = 10 ** digits;
    const whole = Math.floor(abs / scale);
    let fraction = abs - whole * scale;
    if (minor < 0) this.raw('-');
    this.integer(whole);
    if (fraction === 0) return this;
    let places = digits;
    while (fraction % 10 === 0) {
      fraction /= 10;
      places--;
    }
    this.#room(1 + places);
    const b = this.#bytes;
    b[this.#used] = DOT;
    // The fraction's digits, zeros first to its places (5 at 3 places is .005).
    for (let i = putDigits(b, this.#used + places, fraction) - 1; i > this.#used; i--)
      b[i] = DIGIT_0;
    this.#used += 1 + places;
    return this;
  }

  /** Starts again from nothing, keeping the buffer. */
  clear() {
    this.#used = 0;
  }

  /** The text so far (a view of the writer's buffer: written on, it may change). */
  bytes(): Buffer<ArrayBuffer> {
    return this.#bytes.subarray(0, this.#used);
  }
}
