// `oneoffice test`'s help and the exit code tables as built, and its output on a real terminal
// (script(1)): the built CLI. Files, reports and --mock run in-process: test/unit/scenario-reports.test.ts.
import { describe, expect, it } from 'vitest';
import { spawnAsync } from '../helpers/spawn-async.js';
import { BIN, isolatedEnv, ROOT, runCli } from '../helpers/cli.js';
import { onboarding, TOKEN, useScenarioBench } from '../helpers/scenario.js';
import { haveScript, screen } from '../helpers/terminal.js';

const s = useScenarioBench();

describe('help and exit codes', () => {
  it('test --help shows the format, options and exit code 8', async () => {
    const result = await runCli(['test', '--help']);
    expect(result.code).toBe(0);
    for (const part of ['Usage: oneoffice test', 'retry-until', '--report <format:file>', '--mock', '--jobs <n>']) expect(result.stdout).toContain(part);
    expect(result.stdout).toMatch(/\n {2}8 +an expectation failed/);
  });

  it('the exit code tables of --help and method help list 8', async () => {
    for (const args of [['--help'], ['createUser', '--help']]) {
      const result = await runCli(args);
      expect(result.stdout).toMatch(/\n {2}8 +oneoffice test: an expectation of a scenario failed\n/);
    }
  });
});

describe.skipIf(!haveScript)('on a terminal', () => {
  it('prints one line per step with its time', async () => {
    const path = s.file('tty.yml', onboarding('tty'));
    const command = [process.execPath, BIN, 'test', path, '--no-color'].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
    const result = await spawnAsync('script', ['-qec', command, '/dev/null'], { env: isolatedEnv({ ONEOFFICE_URL: s.mock.url, ONEOFFICE_BEARER: TOKEN }), cwd: ROOT });
    expect(result.status).toBe(0);
    // What the terminal shows at the end: the progress bar (stderr, tty.test.ts) has been erased.
    expect(screen(result.stdout).replace(/\d+ ms/g, 'N ms').replace(/in \d+\.\d s/, 'in N s')).toBe(
      `${path} (onboarding)\n  ✓ create the user  N ms\n  ✓ read it back  N ms\n  ✓ the duplicate is refused  N ms\n\nOK: 1 scenario, 3 steps: 3 passed in N s\n`,
    );
  });
});
