// --query on single calls, in this process through main() against the mock server started in this
// process: what is printed, what is refused before sending (exit 2) and after (exit 1). The mock's
// --ready-file, a process's own file, is in test/e2e/query.test.ts.
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/in-process.js';
import { useScenarioBench } from '../helpers/scenario.js';

const s = useScenarioBench();

describe('--query on single calls', () => {
  const env = s.env;

  it('prints a string as plain text with a newline, anything else as JSON', async () => {
    const email = `query-${Date.now()}@example.com`;
    const created = await runMain(['createUser', '--email', email, '--display-name', 'Query User', '--query', 'displayName'], env());
    expect(created).toEqual({ code: 0, stdout: 'Query User\n', stderr: '' });
    const object = await runMain(['getUserByEmail', '--email', email, '--query', '{e: email, active: isActive, phones: profile.phones}'], env());
    expect(object.stdout).toBe(`{"e":"${email}","active":true,"phones":[]}\n`);
    const missing = await runMain(['getUserByEmail', '--email', email, '--query', 'noSuchField'], env());
    expect(missing.stdout).toBe('null\n');
  });

  it('refuses a query that does not parse with exit 2, before sending', async () => {
    const before = s.loggedCalls().length;
    const result = await runMain(['createUser', '--email', 'never-sent@example.com', '--query', 'a['], env());
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
    const result = await runMain(['createUser', '--email', 'never-sent@example.com', '--query', query], env());
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: --query: ${problem}\n` });
    expect(s.loggedCalls().length).toBe(before);
  });

  it('a query that fails only on the answer (a type error) exits 1 naming the query; the call was made', async () => {
    const email = `query-type-${Date.now()}@example.com`;
    const before = s.loggedCalls().length;
    const result = await runMain(['createUser', '--email', email, '--query', 'abs(email)'], env());
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
    const result = await runMain(['getUserByEmail', '--email', 'nobody-query@example.com', '--query', 'id'], env());
    expect(result).toEqual({ code: 4, stdout: '', stderr: 'oneoffice: server answered 400 Bad Request: no user with e-mail "nobody-query@example.com"\n' });
  });
});
