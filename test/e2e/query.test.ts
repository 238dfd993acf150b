// --query on single calls and `oneoffice mock --ready-file`, against `oneoffice mock`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startMockProcess } from '../helpers/mock-process.js';
import { useScenarioBench } from '../helpers/scenario.js';

const s = useScenarioBench();
let counter = 0;

describe('--query on single calls', () => {
  const env = s.env;

  it('prints a string as plain text with a newline, anything else as JSON', async () => {
    const email = `query-${Date.now()}@example.com`;
    const created = await runCli(['createUser', '--email', email, '--display-name', 'Query User', '--query', 'displayName'], { env: env() });
    expect(created).toEqual({ code: 0, stdout: 'Query User\n', stderr: '' });
    const object = await runCli(['getUserByEmail', '--email', email, '--query', '{e: email, active: isActive, phones: profile.phones}'], { env: env() });
    expect(object.stdout).toBe(`{"e":"${email}","active":true,"phones":[]}\n`);
    const missing = await runCli(['getUserByEmail', '--email', email, '--query', 'noSuchField'], { env: env() });
    expect(missing.stdout).toBe('null\n');
  });

  it('refuses a query that does not parse with exit 2, before sending', async () => {
    const before = s.loggedCalls().length;
    const result = await runCli(['createUser', '--email', 'never-sent@example.com', '--query', 'a['], { env: env() });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: --query: not a valid JMESPath query: Syntax error: expected Star, got: EOF\n' });
    expect(s.loggedCalls().length).toBe(before);
  });

  it.each([
    ['an unknown function', 'lenght(@)', 'unknown function lenght() (did you mean length()?)'],
    ['an unknown function inside a filter', 'users[?sizeof(name) > `1`]', 'unknown function sizeof()'],
    ['too few arguments', 'starts_with(email)', 'starts_with() takes 2 arguments (got 1)'],
    ['too many arguments', 'length(email, name)', 'length() takes 1 argument (got 2)'],
  ])('refuses %s with exit 2, before sending', async (_name, query, problem) => {
    const before = s.loggedCalls().length;
    const result = await runCli(['createUser', '--email', 'never-sent@example.com', '--query', query], { env: env() });
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: --query: ${problem}\n` });
    expect(s.loggedCalls().length).toBe(before);
  });

  it('a query that fails only on the answer (a type error) exits 1 naming the query; the call was made', async () => {
    const email = `query-type-${Date.now()}@example.com`;
    const before = s.loggedCalls().length;
    const result = await runCli(['createUser', '--email', email, '--query', 'abs(email)'], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^oneoffice: --query "abs\(email\)" failed on the answer \(the call was made\): Invalid type: abs\(\) expected argument 1 to be type \(number\)/);
    expect(s.loggedCalls().length).toBe(before + 1);
  });

  it('scenario files: --dry-run refuses an unknown function and a wrong arity in expect and capture', async () => {
    const file = s.file('bad-query.yml', [
      'steps:',
      '  - call: getUserByEmail',
      '    params: { email: a@b.co }',
      '    expect:',
      '      body:',
      '        lenght(@): 3',
      '    capture:',
      '      n: starts_with(email)',
      '',
    ].join('\n'));
    const before = s.loggedCalls().length;
    const result = await s.test([file, '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown function lenght() (did you mean length()?)');
    expect(result.stderr).toContain('starts_with() takes 2 arguments (got 1)');
    expect(s.loggedCalls().length).toBe(before);
  });

  it('prints nothing on stdout for an error answer, so a captured value is never an error', async () => {
    const result = await runCli(['getUserByEmail', '--email', 'nobody-query@example.com', '--query', 'id'], { env: env() });
    expect(result).toEqual({ code: 4, stdout: '', stderr: 'oneoffice: server answered 400 Bad Request: no user with e-mail "nobody-query@example.com"\n' });
  });
});

describe('oneoffice mock --ready-file', () => {
  it('writes the export line (mode 0600) once it listens, and removes it when stopped', async () => {
    const ready = join(s.dir, `ready-${++counter}.env`);
    const started = await startMockProcess(['--port', '0', '--quiet', '--ready-file', ready]);
    // The startup line is printed after the file is written.
    expect(readFileSync(ready, 'utf8')).toBe(`${started.startLine}\n`);
    expect(statSync(ready).mode & 0o777).toBe(0o600);
    expect(await started.stop()).toBe(0);
    expect(existsSync(ready)).toBe(false);
  });
});
