// What the `oneoffice test` tests share: one mock server per test file (in this process), scenario
// files in a temporary directory, and `oneoffice test` run against that mock: in this process through
// main() for what needs no process (what it prints, exit codes, reports, what the server received),
// or as the built CLI for what only a process shows.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { HANG_MS, isolatedEnv, runCli, type RunResult } from './cli.js';
import { runMain } from './in-process.js';
import { useMock, type InProcessMock } from './mock-server.js';
import { tempDir } from './temp.js';

export const TOKEN = 'scenario-test-token-0123456789abcdef';
export const SUMMARY_TIME = String.raw`in \d+\.\d s`;
/** The JUnit report of an older run that passed: what a refused or stopped run must not leave in place. */
export const PASSING_JUNIT = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="oneoffice test" tests="1" failures="0" errors="0" time="0.010">\n</testsuites>\n';

export interface ScenarioBench {
  mock: InProcessMock;
  dir: string;
  /** A new file in the directory, with this text. */
  file(name: string, text: string): string;
  /** A new empty folder in the directory, for one test's files. */
  folder(): string;
  /** `oneoffice test ARGS` in this process against the mock (or with the given environment). */
  test(args: string[], env?: Record<string, string>): Promise<RunResult>;
  /** `oneoffice test ARGS` as a process of the built CLI: for exit codes through the binary, stdio. */
  testProcess(args: string[], env?: Record<string, string>): Promise<RunResult>;
  /** Calls the mock has logged so far (one line per call). */
  loggedCalls(): string[];
  /** An environment pointing at the mock. */
  env(): Record<string, string>;
}

export function useScenarioBench(): ScenarioBench {
  let counter = 0;
  const mock = useMock({ token: TOKEN });
  const bench = {
    mock,
    file(name: string, text: string): string {
      const path = join(bench.dir, `${++counter}-${name}`);
      writeFileSync(path, text);
      return path;
    },
    folder(): string {
      const path = join(bench.dir, `folder-${++counter}`);
      mkdirSync(path);
      return path;
    },
    env: () => isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: TOKEN }),
    test: (args: string[], env?: Record<string, string>) => runMain(['test', ...args], env ?? bench.env()),
    testProcess: (args: string[], env?: Record<string, string>) => runCli(['test', ...args], { env: env ?? bench.env(), timeoutMs: HANG_MS }),
    loggedCalls: () => mock.log().filter((entry) => /^\w+ \d{3} /.test(entry)),
  } as ScenarioBench;
  beforeAll(() => {
    bench.dir = tempDir('scenario');
  });
  return bench;
}
/** A three-step scenario that passes on a fresh e-mail address (tag makes it unique per file). */
export const onboarding = (tag: string) => `name: onboarding
vars:
  email: "${tag}-{{ run.id }}@example.com"
steps:
  - name: create the user
    call: createUser
    params: { email: "{{ email }}", displayName: Ada }
    expect:
      status: 200
      body:
        email: "{{ email }}"
        displayName: { matches: "^Ad", type: string, length: 3 }
        isActive: true
        profile.phones: { length: 0 }
    capture:
      userId: id
  - name: read it back
    call: getUserByEmail
    params: { email: "{{ email }}" }
    expect:
      body: { id: "{{ userId }}", instance: { ge: 1 } }
  - name: the duplicate is refused
    call: createUser
    params: { email: "{{ email }}" }
    expect: { status: 400, error: { matches: "duplicate key" } }
`;
