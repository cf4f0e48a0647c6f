// Tests of a file run in a random order on every run (vitest.config.ts), so that none leans on
// what another left behind. A describe whose tests are still one story, each step building on the
// last, keeps its order by saying so — `describe(name, STORY, …)` — and is listed in the
// architecture test as debt that only shrinks: each should become tests that set up what they need.
export const STORY = { shuffle: false } as const;
