// Tests of a file run shuffled (vitest.config.ts), so that none leans on what another left
// behind. A describe whose tests are one story, each step building on the last, keeps its order by
// saying so — `describe(name, STORY, …)` — and the architecture test names the only such file:
// the migrations, one database taken through them in order.
export const STORY = { shuffle: false } as const;
