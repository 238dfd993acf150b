// `oneoffice test` from main() in this process against the mock (also in this process): running
// scenarios and the checks before sending: what it prints, the exit codes and what the server
// received. Exit 0, 8 and 6 through the built CLI are test/e2e/scenario.test.ts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, ROOT } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { onboarding, SUMMARY_TIME, TOKEN, useScenarioBench } from '../helpers/scenario.js';
import { startMock } from '../helpers/mock-server.js';
import { waitFor } from '../helpers/wait.js';
import { jsonResponder, startRecordingServer } from '../helpers/server.js';

const s = useScenarioBench();
let counter = 0;

describe('running scenarios', () => {

  it('fills captured values into later steps, keeping their JSON type', async () => {
    const email = `capture-${Date.now()}@example.com`;
    const path = s.file('capture.yml', `steps:
  - call: createUser
    params: { email: "${email}" }
    capture: { userId: id, address: email }
  - call: getUserByEmail
    params: { email: "{{ address }}" }
    expect:
      body: { id: "{{ userId }}", email: "user {{ address }}" }
`);
    const result = await s.test([path]);
    // "{{ userId }}" alone is the number; inside text the value is written as text.
    expect(result.stdout).toContain(`expect.body."email": expected "user ${email}", got "${email}"`);
    expect(result.stdout).not.toContain('expect.body."id"');
    expect(result.code).toBe(8);
  });


  it('runs the other files after one fails, several at a time with --jobs', async () => {
    const failing = s.file('a-fail.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: nobody-here@example.com }\n');
    const passing = s.file('b-pass.yml', onboarding('jobs'));
    const result = await s.test([failing, passing, '--jobs', '2']);
    expect(result.code).toBe(8);
    expect(result.stdout).toContain('expect.status: expected any 2xx, got 400');
    expect(result.stdout).toContain('FAILED: 2 scenarios, 4 steps: 3 passed, 1 failed');
  });

  it('evaluates any JMESPath query in expect.body and capture, not only plain paths', async () => {
    const path = s.file('jmespath.yml', `steps:
  - call: createUser
    params: { email: "jm-{{ run.id }}@example.com" }
    expect:
      body:
        "starts_with(email, 'jm-')": true
        "contains(keys(@), 'id')": true
        "profile.phones[*]": { length: 0 }
    capture: { domain: "split(email, '@')[1]" }
  - call: getUserByEmail
    params: { email: "jm-{{ run.id }}@{{ domain }}" }
`);
    const result = await s.test([path]);
    expect(result.stdout).toMatch(new RegExp(String.raw`^\.\.\n\nOK: 1 scenario, 2 steps: 2 passed ${SUMMARY_TIME}\n$`));
    expect(result.code).toBe(0);
  });

  it('fails a step slower than its expect.duration', async () => {
    const slow = await startMock({ token: TOKEN, latencyMs: 300 });
    const path = s.file('slow.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: nobody@example.com }\n    expect: { status: 400, duration: { lt: 100 } }\n');
    const result = await s.test([path], isolatedEnv({ ONEOFFICE_URL: slow.url, ONEOFFICE_BEARER: TOKEN }));
    expect(result.stdout).toMatch(/expect\.duration: expected < 100, got \d+ ms/);
    expect(result.code).toBe(8);
    await slow.close();
  });


  it('repeats a retry-until step until its expectation holds', async () => {
    const email = `poll-${Date.now()}@example.com`;
    const path = s.file('poll.yml', `steps:
  - call: createUser
    params: { email: "${email}" }
  - name: poll until inactive
    call: getUserByEmail
    params: { email: "${email}" }
    retry-until: { interval: 50, timeout: 60000 }
    expect: { body: { isActive: false } }
`);
    const before = s.loggedCalls().length;
    const run = s.test([path]);
    // Disabled once the scenario has polled at least once (and found the user still active). The
    // poll's time limit is only a hang guard: the update below may come late on a loaded machine.
    await waitFor(() => s.loggedCalls().slice(before).some((line) => line.startsWith('getUserByEmail 200')), 'the scenario to poll once');
    const update = await runMain(['updateUserByEmail', '--email', email, '--no-is-active'], isolatedEnv({ ONEOFFICE_URL: s.mock.url, ONEOFFICE_BEARER: TOKEN }));
    expect(update.code).toBe(0);
    const result = await run;
    expect(result.stdout).toMatch(/^\.\.\n/);
    expect(result.code).toBe(0);
    expect(s.loggedCalls().slice(before).filter((line) => line.startsWith('getUserByEmail 200')).length).toBeGreaterThan(1);
  });
});

describe('response schemas', () => {
  it('checks each answer against the method\'s x-response schema unless expect.schema is false', async () => {
    const schemas = join(s.dir, `schemas-${++counter}`);
    mkdirSync(schemas);
    const createUser = JSON.parse(readFileSync(join(ROOT, 'schemas', 'createUser.json'), 'utf8'));
    createUser['x-response'] = { type: 'object', required: ['email', 'id'], properties: { id: { type: 'string' } } };
    writeFileSync(join(schemas, 'createUser.json'), JSON.stringify(createUser));
    const path = s.file('schema.yml', 'steps:\n  - call: createUser\n    params: { email: "schema-{{ run.id }}@example.com" }\n');
    const checked = await s.test([path, '--mock', '--schemas', schemas], isolatedEnv());
    expect(checked.stdout).toContain("the method's response schema (expect.schema: false turns this off): expected an answer as documented, got body.id: must be a string (got 1)\n");
    expect(checked.code).toBe(8);
    const unchecked = s.file('noschema.yml', 'steps:\n  - call: createUser\n    params: { email: "schema-{{ run.id }}@example.com" }\n    expect: { schema: false }\n');
    expect((await s.test([unchecked, '--mock', '--schemas', schemas], isolatedEnv())).code).toBe(0);
  });

  it("checks a built-in method's answer against its documented response schema", async () => {
    const server = await startRecordingServer(jsonResponder(200, { id: 'not-a-number' }));
    try {
      const path = s.file('builtin-schema.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: a@example.com }\n');
      const result = await s.test([path], isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN }));
      expect(result.stdout).toContain("the method's response schema (expect.schema: false turns this off): expected an answer as documented, got missing required body.instance; missing required body.email; missing required body.displayName; missing required body.isActive; missing required body.isAdmin; missing required body.profile; body.id: must be an integer (got \"not-a-number\")\n");
      expect(result.code).toBe(8);
    } finally {
      await server.close();
    }
  });

  it('exits 3 without a URL or token, before sending', async () => {
    const result = await s.test([s.file('nourl.yml', onboarding('nourl'))], isolatedEnv());
    expect(result.stderr).toMatch(/^oneoffice: no API URL/);
    expect(result.code).toBe(3);
  });
});

describe('checks before sending', () => {
  it('reports every problem with file, line and step, sends nothing and exits 2', async () => {
    const path = s.file('bad.yml', `name: bad
vars:
  email: "x-{{ run.id }}@example.com"
  home: "{{ env.NO_SUCH_VARIABLE_HERE }}"
steps:
  - call: createUsr
    params: { email: "{{ email }}" }
  - call: createUser
    params:
      email: not-an-email
      licences: 3
    expect:
      body:
        "a[": 1
      bogus: 1
  - call: getUserByEmail
    params: { email: "{{ userId }}" }
  - call: createUser
    params: { email: "{{ email }}" }
    capture: { userId: id }
`);
    const before = s.loggedCalls().length;
    const result = await s.test([path]);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `oneoffice: ${path}:4: vars.home: environment variable NO_SUCH_VARIABLE_HERE is not set`,
        `oneoffice: ${path}:6: step 1 (createUsr): unknown method createUsr (did you mean createUser?)`,
        `oneoffice: ${path}:10: step 2 (createUser): params.email: must be an e-mail address (got "not-an-email")`,
        `oneoffice: ${path}:11: step 2 (createUser): unknown parameter params.licences`,
        `oneoffice: ${path}:14: step 2 (createUser): expect.body."a[": not a valid JMESPath query: Syntax error: expected Star, got: EOF`,
        `oneoffice: ${path}:15: step 2 (createUser): expect: unknown key "bogus" (allowed: status, body, error, duration, schema)`,
        `oneoffice: ${path}:17: step 3 (getUserByEmail): {{ userId }} is used before it is defined (it is captured by a later step)`,
        'oneoffice: 7 problems; nothing was sent',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(2);
    expect(s.loggedCalls().length).toBe(before);
  });

  it('names the line of a YAML syntax error', async () => {
    const path = s.file('broken.yml', 'steps:\n  - call: createUser\n    params: { email: "a@b.co"\n  - call: createUser\n');
    const result = await s.test([path]);
    expect(result.stderr).toMatch(new RegExp(`^oneoffice: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d: not valid YAML: `));
    expect(result.code).toBe(2);
  });

  it('says how to save a UTF-16 scenario or --vars-file (what Windows PowerShell writes) as UTF-8', async () => {
    const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const path = join(s.dir, `utf16-${++counter}.yml`);
    writeFileSync(path, utf16('steps:\n  - call: getUserByEmail\n    params: { email: a@example.com }\n'));
    const vars = join(s.dir, `utf16-vars-${counter}.yml`);
    writeFileSync(vars, utf16('who: a@example.com\n'));
    const advice = 'is UTF-16 text (what Windows PowerShell writes with > or Out-File): save it as UTF-8, e.g. with Set-Content -Encoding utf8';
    const result = await s.test([path, '--vars-file', vars]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: --vars-file ${vars} ${advice}\noneoffice: ${path} ${advice}\noneoffice: 2 problems; nothing was sent\n` });
  });

  it('masks a secret param (x-secret) wherever its value comes back: in expectations, console and reports', async () => {
    const secret = 'Sup3r-Secret-Pw!';
    const path = s.file('secret.yml', 'steps:\n  - call: createUser\n    params: { email: "secret-{{ run.id }}@example.com", password: "{{ pw }}" }\n    expect: { body: { password: "{{ pw }}" } }\n');
    const report = join(s.dir, `secret-${++counter}.json`);
    const result = await s.test([path, '--var', `pw=${secret}`, '--report', `json:${report}`]);
    expect(result.code).toBe(8);
    expect(result.stdout).toContain('expect.body."password": expected "****", got null');
    expect(result.stdout + result.stderr + readFileSync(report, 'utf8')).not.toContain(secret);
  });

  it('--dry-run checks the files and sends nothing', async () => {
    const before = s.loggedCalls().length;
    const result = await s.test([s.file('dry.yml', onboarding('dry')), '--dry-run']);
    expect(result.stdout).toBe('1 scenario, 3 steps checked; nothing was sent\n');
    expect(result.code).toBe(0);
    expect(s.loggedCalls().length).toBe(before);
  });

  it('a later step sends the captured value of a name that is also a variable (the capture wins)', async () => {
    const captured = `captured-${Date.now()}@example.com`;
    const path = s.file('shadow.yml', `vars:\n  address: "never-created-{{ run.id }}@example.com"\nsteps:\n  - call: createUser\n    params: { email: "${captured}" }\n    capture: { address: email }\n  - call: getUserByEmail\n    params: { email: "{{ address }}" }\n    expect: { status: 200, body: { email: "${captured}" } }\n`);
    const result = await s.test([path]);
    expect(result.stdout).toContain('OK: 1 scenario, 2 steps: 2 passed');
    expect(result.code).toBe(0);
  });

  it('a --var whose text looks like a template is sent to no server when the schema refuses it', async () => {
    const before = s.loggedCalls().length;
    const path = s.file('template-text.yml', 'vars:\n  email: "x@example.com"\nsteps:\n  - call: createUser\n    params: { email: "{{ email }}" }\n');
    const result = await s.test([path, '--var', 'email={{ not-an-email }}']);
    expect(result.stdout).toContain('params (checked before sending; nothing was sent)');
    expect(result.code).toBe(8);
    expect(s.loggedCalls().length).toBe(before);
  });

  it('--var and --vars-file override the file\'s vars (--var wins)', async () => {
    const path = s.file('vars.yml', 'vars:\n  email: "default@example.com"\n  name: Default\nsteps:\n  - call: createUser\n    params: { email: "{{ email }}", displayName: "{{ name }}" }\n    expect: { body: { email: "{{ email }}", displayName: "{{ name }}" } }\n');
    const varsFile = s.file('vars.json', JSON.stringify({ email: 'from-file@example.com', name: 'From File' }));
    const email = `var-${Date.now()}@example.com`;
    const result = await s.test([path, '--vars-file', varsFile, '--var', `email=${email}`]);
    expect(result.code).toBe(0);
    const check = await runMain(['getUserByEmail', '--email', email, '--query', 'displayName'], isolatedEnv({ ONEOFFICE_URL: s.mock.url, ONEOFFICE_BEARER: TOKEN }));
    expect(check.stdout).toBe('From File\n');
  });
});
