// What counts as a text the record may hold (api-v1.md, "Integrity of the record"). Every text
// that reaches the database passes textProblem first: the libSQL driver aborts the whole process
// when it reads back a string that is not well-formed Unicode (a lone surrogate, half an emoji),
// and control or bidirectional-override characters let a title show an approver something other
// than what it says.

/** A single-line label (code, name, title, category…) or free text (note, comment, description). */
export type TextKind = 'line' | 'free';

export const TEXT_LIMITS = { title: 200, name: 200, note: 2000, comment: 2000 } as const;

// C0 and C1 controls and DEL. Free text keeps tab, line feed and carriage return (a note typed in
// a cell or a textarea has line breaks).
const CONTROL_LINE = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROL_FREE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what follows,
// so "Freight \u202Egnitset" shows as "Freight testing". Marks (U+200E, U+200F) reorder nothing.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one. (Not
// String.isWellFormed: the pane also runs this, on hosts whose browser predates it.)
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

/** Why `text` may not be stored, in words a user understands; null when it may. */
export function textProblem(text: string, kind: TextKind): string | null {
  // Most texts (codes, cell addresses, plain notes) are printable ASCII, which holds none of it:
  // one test instead of three, for each of a push's 100,000 changes.
  if (PRINTABLE_ASCII.test(text)) return null;
  if (LONE_SURROGATE.test(text))
    return 'contains a broken character (half of an emoji or other symbol, a lone surrogate)';
  if ((kind === 'line' ? CONTROL_LINE : CONTROL_FREE).test(text))
    return kind === 'line'
      ? 'contains a control character (tab, line break, NUL or similar)'
      : 'contains a control character (NUL or similar)';
  if (kind === 'line' && BIDI_CONTROL.test(text))
    return 'contains a bidirectional override character, which would make it display as something else';
  return null;
}
