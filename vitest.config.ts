import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database; files run in parallel on the machine's two cores.
    pool: 'forks',
    // The tests of a file run shuffled, never in the order written: no test may lean on what
    // another left. The seed is fixed so that CI is repeatable; `npm run test:any-order` runs
    // with a new one each time to find what a fixed order hides (--sequence.seed replays it).
    // Stories still told in order say so (test/story.ts).
    sequence: { shuffle: { files: false, tests: true }, seed: 20261207 },
  },
});
