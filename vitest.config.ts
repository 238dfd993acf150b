// The suite's files mostly wait: on a child process (the built CLI, a shell, curl), on a server on
// 127.0.0.1, or on a timer; vitest's default of availableParallelism() - 1 workers is one worker on a
// 2-core machine, which runs them one after another with a core idle. Four workers keep both cores busy
// while half of the files wait (measured on 2 cores, alternating runs of the whole suite beside other
// load: 1 worker 981 s and 1083 s, 4 workers 546 s and 586 s, the same ~147 s of CPU either way); more
// would only queue for the same two cores and stretch each test's time under load. Files share nothing
// that would need them to run alone: servers listen on port 0, temporary files go under the run's
// TMPDIR in directories of their own, and no test changes the process's env, cwd or umask.
// isolate: false lets the files a worker runs share the modules they import (src/ through vite's
// transform) instead of importing them again per file: most files now run main() in-process, and
// importing it for each of ~100 files was a third of the suite's CPU (quiet machine, whole suite:
// 124 s of CPU and 66 s with isolation, 82 s and 44 s without). A test that needs a module fresh
// (one that loads something lazily once) imports a copy after vi.resetModules(). A file that
// replaces a module (vi.mock) gives it back after its tests (vi.doUnmock, then vi.resetModules()):
// the files after it in its worker would otherwise mix the replaced module's copies with fresh ones,
// and an error made by one copy fails `instanceof` against another (test/unit/typed-settings.test.ts).
// The timeouts only stop a test that hangs: they are not a speed expectation, so they are set for a
// loaded machine (four files at once beside other work; at 20 s, TLS tests making certificates with
// openssl ran out of time there) rather than for a quiet one.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 4,
    isolate: false,
    testTimeout: 60000,
    hookTimeout: 60000,
  },
});
