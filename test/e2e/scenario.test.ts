// `oneoffice test` as a process (the built CLI) against the mock: the exit codes of a passing run, a
// failed expectation and a step without an answer, with what it prints. Everything else about
// running scenarios is in-process: test/unit/scenario-run.test.ts.
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { onboarding, SUMMARY_TIME, TOKEN, useScenarioBench } from '../helpers/scenario.js';

const s = useScenarioBench();

describe('running scenarios', () => {
  it('passes a scenario whose expectations hold: a dot per step off a terminal, a summary, exit 0', async () => {
    const before = s.loggedCalls().length;
    const result = await s.testProcess([s.file('ok.yml', onboarding('ok'))]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(String.raw`^\.\.\.\n\nOK: 1 scenario, 3 steps: 3 passed ${SUMMARY_TIME}\n$`));
    expect(result.code).toBe(0);
    expect(s.loggedCalls().slice(before).map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['createUser 200', 'getUserByEmail 200', 'createUser 400']);
  });
  it('reports a failed expectation with the actual value and the masked exchange, skips the rest of the scenario, exit 8', async () => {
    const path = s.file('fail.yml', `steps:
  - name: make a user
    call: createUser
    params: { email: "fail-{{ run.id }}@example.com", password: "hunter2-very-secret" }
    expect:
      status: 201
      body: { isAdmin: true }
  - call: getUserByEmail
    params: { email: "fail-{{ run.id }}@example.com" }
`);
    const result = await s.testProcess([path]);
    expect(result.code).toBe(8);
    expect(result.stdout).toMatch(/^FS\n\nFailures:\n\n1\) .*fail\.yml:2: step 1 \(make a user\), createUser\n/);
    expect(result.stdout).toContain('   expect.status: expected 201, got 200\n   expect.body."isAdmin": expected true, got false\n   > GET / HTTP/1.1\n');
    expect(result.stdout).toContain('   > x-api-key: ****…cdef\n');
    // Long secrets keep their last four characters, as everywhere (README, Secrets).
    expect(result.stdout).toContain('"password": "****…cret"');
    expect(result.stdout).toContain('   < HTTP/1.1 200 OK\n');
    expect(result.stdout).not.toContain(TOKEN);
    expect(result.stdout).not.toContain('hunter2');
    expect(result.stdout).toMatch(new RegExp(`\\nFAILED: 1 scenario, 2 steps: 0 passed, 1 failed, 1 skipped ${SUMMARY_TIME}\\n$`));
  });
  it('exits 6 when a step gets no answer at all, naming the cause', async () => {
    const path = s.file('refused.yml', onboarding('refused'));
    const result = await s.testProcess([path], isolatedEnv({ ONEOFFICE_URL: 'http://127.0.0.1:9/', ONEOFFICE_BEARER: TOKEN }));
    expect(result.stdout).toContain('no answer: cannot connect to 127.0.0.1:9: connection refused');
    expect(result.stdout).toMatch(/^ESS\n/);
    expect(result.code).toBe(6);
  });
});
