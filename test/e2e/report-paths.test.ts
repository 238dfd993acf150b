// Where `oneoffice test --report` writes, where a process is needed: `-` is stdout (read there through
// a pipe by tap-parser and xmllint), and a run stopped by a signal leaves no older passing report
// behind. The other paths (a missing folder, inputs and shared paths refused, an unwritable path, a
// refused run) run in-process: test/unit/report-paths.test.ts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { spawnAsync } from '../helpers/spawn-async.js';
import { waitFor } from '../helpers/wait.js';
import { hasProgram, NO_POSIX_SHELL, NO_POSIX_SIGNALS } from '../helpers/platform.js';
import { onboarding, PASSING_JUNIT, TOKEN, useScenarioBench } from '../helpers/scenario.js';
import { jsonResponder, startRecordingServer } from '../helpers/server.js';

const s = useScenarioBench();
const TAP_PARSER = join(ROOT, 'node_modules', '.bin', 'tap-parser');
const XSD = join(ROOT, 'test', 'fixtures', 'junit-report.xsd');
const sh = (line: string) => spawnAsync('sh', ['-c', line], { env: s.env(), cwd: ROOT });
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
const oneoffice = `${quote(process.execPath)} ${quote(BIN)}`;

describe.skipIf(NO_POSIX_SHELL)('--report FORMAT:- writes the report alone on stdout', () => {
  it('tap:- | tap-parser reads the whole run, and the console talks on stderr', async () => {
    const path = s.file('stdout-tap.yml', onboarding('stdouttap'));
    const direct = await s.test([path, '--report', 'tap:-']);
    expect(direct.code).toBe(0);
    expect(direct.stdout).toBe('TAP version 13\n1..3\nok 1 - onboarding: create the user\nok 2 - onboarding: read it back\nok 3 - onboarding: the duplicate is refused\n');
    expect(direct.stderr).toMatch(/^\.\.\.\n\nOK: 1 scenario, 3 steps: 3 passed in \d+\.\d s\n$/);
    expect(existsSync(join(ROOT, '-'))).toBe(false);
    const piped = await sh(`${oneoffice} test ${quote(s.file('stdout-tap2.yml', onboarding('stdouttap2')))} --report tap:- | ${quote(process.execPath)} ${quote(TAP_PARSER)} -j`);
    const events = JSON.parse(piped.stdout) as Array<[string, Record<string, unknown>]>;
    expect(events.filter(([kind]) => kind === 'extra')).toEqual([]);
    expect(events.find(([kind]) => kind === 'complete')?.[1]).toMatchObject({ ok: true, count: 3, pass: 3, fail: 0 });
  });

  it('junit:- is read from stdin by xmllint against the JUnit XSD, json:- by JSON.parse', async () => {
    const path = s.file('stdout-junit.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: nobody@example.com }\n');
    if (hasProgram('xmllint') || process.env['CI']) {
      const junit = await sh(`${oneoffice} test ${quote(path)} --report junit:- | xmllint --noout --schema ${quote(XSD)} -`);
      expect(junit.stderr).toContain('FAILED: 1 scenario, 1 step: 0 passed, 1 failed');
      expect(junit.stderr).toMatch(/^- validates$/m);
    }
    const json = await s.test([path, '--report', 'json:-']);
    expect(json.code).toBe(8);
    expect(JSON.parse(json.stdout)).toMatchObject({ complete: true, summary: { steps: 1, failed: 1 } });
    expect(json.stderr).toContain('FAILED: 1 scenario, 1 step: 0 passed, 1 failed');
  });
});

describe.skipIf(NO_POSIX_SIGNALS)('a run stopped by a signal', () => {
  it('writes what ran, marked incomplete, over an older passing report (JUnit, TAP read by prove, JSON)', async () => {
    const dir = s.folder();
    const files = { junit: join(dir, 'r.xml'), tap: join(dir, 'r.tap'), json: join(dir, 'r.json') };
    writeFileSync(files.junit, PASSING_JUNIT);
    writeFileSync(files.tap, 'TAP version 13\n1..1\nok 1 - old\n');
    writeFileSync(files.json, '{"complete":true}\n');
    // The first step is answered; the second never is, until the run is stopped.
    let held = (): void => undefined;
    const server = await startRecordingServer((request, res) => {
      if (request.body.includes('createUser')) jsonResponder(200, { id: 1 })(request, res);
      else held = () => res.destroy();
    });
    try {
      const path = s.file('stopped.yml', 'name: stopped\nsteps:\n  - call: createUser\n    params: { email: a@example.com }\n    expect: { schema: false }\n  - call: getUserByEmail\n    params: { email: a@example.com }\n  - call: getUserByEmail\n    params: { email: b@example.com }\n');
      const child = spawn(process.execPath, [BIN, 'test', path, '--report', `junit:${files.junit}`, '--report', `tap:${files.tap}`, '--report', `json:${files.json}`], { env: { ...s.env(), ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN }, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await waitFor(() => server.received.length >= 2, 'the second step to reach the server');
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
    } finally {
      held();
      await server.close();
    }
    const junit = readFileSync(files.junit, 'utf8');
    expect(junit).toContain('<testcase name="1. createUser" classname="');
    expect(junit).toContain('<error message="stopped by SIGTERM after 1 step of 3" type="E_INCOMPLETE"/>');
    expect(readFileSync(files.tap, 'utf8')).toBe('TAP version 13\nok 1 - stopped: createUser\nBail out! stopped by SIGTERM after 1 step of 3\n');
    if (hasProgram('prove')) expect(spawnSync('prove', ['--exec', 'cat', files.tap], { encoding: 'utf8' }).stdout).toMatch(/^Result: FAIL$/m);
    expect(JSON.parse(readFileSync(files.json, 'utf8'))).toMatchObject({ complete: false, incomplete: 'stopped by SIGTERM after 1 step of 3', summary: { steps: 1, passed: 1 } });
  });
});
