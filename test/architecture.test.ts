// The house rules that keep the code where a reader expects it: Excel is called from its one
// adapter; no feature reaches into another's routes; SQL lives in stores, the database layer and
// migrations; every feature has its routes, store and presenter; the tests of a file run in any
// order, but for the migrations' one story.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The code without its comments (a comment may well mention Excel or SQL). */
const code = (path: string) =>
  readFileSync(join(ROOT, path), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const SQL = /\b(SELECT\s[\s\S]*?\bFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+[a-z_]+\s+SET)\b/;

/**
 * Test files with a describe told as one story in order (test/story.ts). Only the migrations are:
 * one database taken through its migrations one after another is what they test. Any other test
 * sets up what it needs.
 */
const STORIES = ['test/service/migrations.test.ts'];

describe('architecture', () => {
  const all = ['addin', 'server', 'shared'].flatMap(sources);

  it('only addin/workbook/excel.ts calls the Excel API', () => {
    const callers = all.filter((f) => /\bExcel\.[A-Za-z]/.test(code(f)));
    expect(callers).toEqual(['addin/workbook/excel.ts']);
  });

  it("no feature imports another feature's routes", () => {
    const crossings = all
      .filter((f) => f.startsWith('server/features/'))
      .flatMap((f) => {
        const feature = f.split('/')[2];
        return [...code(f).matchAll(/from '\.\.\/([a-z]+)\/routes\.js'/g)]
          .filter((m) => m[1] !== feature)
          .map((m) => `${f} → ${m[1]}/routes`);
      });
    expect(crossings).toEqual([]);
  });

  it('SQL lives in stores, the database layer and migrations only', () => {
    const home = (f: string) =>
      /^server\/features\/[a-z]+\/store\.ts$/.test(f) || f.startsWith('server/db/');
    expect(all.filter((f) => !home(f) && SQL.test(code(f)))).toEqual([]);
  });

  it('every test runs in any order, but for the migrations told as one story', () => {
    const stories = sources('test').filter((f) => /\bSTORY,/.test(code(f)));
    expect(stories.sort()).toEqual([...STORIES].sort());
  });

  it('every feature reads the same way: routes.ts, store.ts, present.ts', () => {
    const features = readdirSync(join(ROOT, 'server/features'));
    for (const feature of features)
      for (const file of ['routes.ts', 'store.ts', 'present.ts'])
        expect(all, `server/features/${feature}/${file}`).toContain(
          `server/features/${feature}/${file}`,
        );
  });
});
