// What the `oneoffice test` end-to-end tests share: one `oneoffice mock` process per test file,
// scenario files in a temporary directory, and the CLI run against that mock.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { isolatedEnv, runCli, type RunResult } from './cli.js';
import { killMockProcesses, startMockProcess, type MockProcess } from './mock-process.js';

export const TOKEN = 'scenario-test-token-0123456789abcdef';
export const SUMMARY_TIME = String.raw`in \d+\.\d s`;

export interface ScenarioBench {
  mock: MockProcess;
  dir: string;
  /** A new file in the directory, with this text. */
  file(name: string, text: string): string;
  /** `oneoffice test ARGS` against the mock (or with the given environment). */
  test(args: string[], env?: Record<string, string>): Promise<RunResult>;
  /** Calls the mock has logged so far (one stderr line per call). */
  loggedCalls(): string[];
  /** An environment pointing at the mock. */
  env(): Record<string, string>;
}

export function useScenarioBench(): ScenarioBench {
  let counter = 0;
  const bench = {
    file(name: string, text: string): string {
      const path = join(bench.dir, `${++counter}-${name}`);
      writeFileSync(path, text);
      return path;
    },
    env: () => isolatedEnv({ ONEOFFICE_URL: bench.mock.url, ONEOFFICE_BEARER: TOKEN }),
    test: (args: string[], env?: Record<string, string>) => runCli(['test', ...args], { env: env ?? bench.env(), timeoutMs: 20000 }),
    loggedCalls: () => bench.mock.stderr().split('\n').filter((entry) => /^\w+ \d{3} /.test(entry)),
  } as ScenarioBench;
  beforeAll(async () => {
    bench.mock = await startMockProcess(['--port', '0', '--token', TOKEN]);
    bench.dir = mkdtempSync(join(tmpdir(), 'oneoffice-scenario-e2e-'));
  });
  afterAll(killMockProcesses);
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
