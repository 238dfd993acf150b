// The tests Stryker runs for each mutant (npm run mutation): the unit tests, which need no build
// and no server, so a mutant of the core is caught by the rules' own tests, in seconds.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    // The layering and type tests read files or compile, and the streamed JSON check's fuzzing
    // (seconds a run) tests a file not mutated here: none catches a mutant of these files.
    exclude: ['test/unit/layers.test.ts', 'test/unit/library-types.test.ts', 'test/unit/json-check.test.ts'],
    // A loaded machine runs Stryker's instrumented code slowly: a test or hook (a server, a
    // certificate) that only ran out of time would count as catching a mutant, or stop the run.
    testTimeout: 120000,
    hookTimeout: 120000,
  },
});
