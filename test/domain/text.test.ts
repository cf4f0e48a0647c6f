// What a text may hold, checked once for every field (shared/text.ts), and the nesting scan.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textProblem } from '../../shared/text.js';
import { nestsDeeperThan as scan } from '../../server/http/body.js';

const nestsDeeperThan = (text: string, max: number) => scan(Buffer.from(text, 'utf8'), max);

describe('textProblem', () => {
  it('refuses lone surrogates in either order, accepts pairs', () => {
    expect(textProblem('cut \uD83D', 'free')).toMatch(/broken/);
    expect(textProblem('\uDE00 first', 'line')).toMatch(/broken/);
    expect(textProblem('\uDE00\uD83D', 'line')).toMatch(/broken/);
    expect(textProblem('ok 😀 Zürich', 'line')).toBeNull();
  });
  it('refuses control characters; free text keeps tab and line breaks', () => {
    for (const c of ['\u0000', '\u0007', '\u001B', '\u007F', '\u0085'])
      for (const kind of ['line', 'free'] as const)
        expect(textProblem(`a${c}b`, kind)).toMatch(/control/);
    expect(textProblem('a\tb\r\nc', 'free')).toBeNull();
    expect(textProblem('a\tb', 'line')).toMatch(/control/);
  });
  it('refuses bidirectional overrides and isolates in single lines only', () => {
    for (const c of [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u202E',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ])
      expect(textProblem(`Freight ${c}gnitset`, 'line')).toMatch(/bidirectional/);
    expect(textProblem('מחיר \u200F ok', 'line')).toBeNull();
  });
  it('whatever it accepts is well-formed and free of C0/C1 controls but tab and line breaks', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        if (textProblem(s, 'free') !== null) return;
        expect(Buffer.from(s, 'utf8').toString('utf8')).toBe(s); // survives UTF-8 unchanged: well-formed
        expect(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(s)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('every text field of a request is made from the one text schema', () => {
  it('schemas.ts writes z.string() only inside `text` and on lines that say where their text is checked', () => {
    // A chain broken across lines by the formatter (`z` then `.string()`) is read as one.
    const lines = readFileSync(new URL('../../shared/api/schemas.ts', import.meta.url), 'utf8')
      .replace(/\bz\s*\n\s*\.string\(\)/g, 'z.string()')
      .split('\n');
    const bare = lines.filter(
      (l) =>
        l.includes('z.string()') &&
        !l.trimStart().startsWith('*') &&
        !l.includes('text-checked-elsewhere'),
    );
    expect(bare).toEqual(['  z.string()']); // inside `text`
  });
});

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings or escaped quotes', () => {
    expect(nestsDeeperThan('[[[]]]', 3)).toBe(false);
    expect(nestsDeeperThan('[[[[]]]]', 3)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":"[[[[[[","b":"\\"[[[["}', 1)).toBe(false);
    expect(nestsDeeperThan('[1,[2],[3,[4]]]', 2)).toBe(true);
  });
  it('is not fooled by multi-byte characters or escaped quotes in strings', () => {
    expect(nestsDeeperThan('["😀[[[", "é\\\"[[[[", "\u005b"]', 1)).toBe(false);
  });
  it('agrees with the depth of any JSON value', () => {
    const depth = (v: unknown): number =>
      v !== null && typeof v === 'object'
        ? 1 + Math.max(0, ...Object.values(v as object).map(depth))
        : 0;
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 8, stringUnit: 'binary' }),
        fc.integer({ min: 0, max: 8 }),
        (v, max) => {
          expect(nestsDeeperThan(JSON.stringify(v), max)).toBe(depth(v) > max);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
