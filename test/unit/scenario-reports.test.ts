// `oneoffice test` files (directories, --glob), reports (the JUnit one read back by
// python3-junitparser, TAP, JSON, HTML) and --mock, from main() in this process. Help as built and
// the output on a real terminal are test/e2e/scenario-reports.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { onboarding, SUMMARY_TIME, TOKEN, useScenarioBench } from '../helpers/scenario.js';

const s = useScenarioBench();
let counter = 0;

describe('files, reports and --mock', () => {
  it('takes directories and --glob patterns, each file once', async () => {
    const tree = join(s.dir, `tree-${++counter}`);
    mkdirSync(join(tree, 'deep'), { recursive: true });
    writeFileSync(join(tree, 'one.yml'), onboarding('tree1'));
    writeFileSync(join(tree, 'deep', 'two.yaml'), onboarding('tree2'));
    writeFileSync(join(tree, 'notes.txt'), 'not a scenario');
    const result = await s.test([tree, '--glob', `${tree}/**/*.yaml`, '--mock']);
    expect(result.stdout).toMatch(new RegExp(`OK: 2 scenarios, 6 steps: 6 passed ${SUMMARY_TIME}\\n$`));
    expect(result.code).toBe(0);
  });

  it('--mock needs no URL or token and runs against a fresh server each time', async () => {
    const path = s.file('fixed.yml', 'steps:\n  - call: createUser\n    params: { email: fixed@example.com }\n');
    for (let run = 0; run < 2; run++) {
      const result = await s.test([path, '--mock'], isolatedEnv());
      expect(result.code).toBe(0);
    }
  });

  it('writes a JUnit report that a JUnit reader reads as one testsuite per file and one testcase per step (classname: the file; name: the step number and name)', async () => {
    const python = ['/usr/bin/python3', 'python3'].find((candidate) => spawnSync(candidate, ['-c', 'import junitparser'], { stdio: 'ignore' }).status === 0);
    if (!python) return void console.warn('SKIPPED: python3-junitparser is not installed (apt-get install python3-junitparser)');
    const failing = s.file('junit-fail.yml', 'name: "fails <&> \\"quoted\\""\nsteps:\n  - name: wrong status\n    call: getUserByEmail\n    params: { email: nobody@example.com }\n  - call: createUser\n    params: { email: never@example.com }\n');
    const passing = s.file('junit-pass.yml', onboarding('junit'));
    const report = join(s.dir, 'report.xml');
    const result = await s.test([failing, passing, '--mock', '--report', `junit:${report}`]);
    expect(result.code).toBe(8);
    const reader = `
import sys, json
from junitparser import JUnitXml, Failure, Skipped, Error
xml = JUnitXml.fromfile(sys.argv[1])
out = []
for suite in xml:
    cases = []
    for case in suite:
        kinds = [type(r).__name__ + ': ' + (r.message or '') for r in case.result]
        cases.append([case.name, case.classname, kinds])
    out.append([suite.name, suite.tests, suite.failures, suite.errors, suite.skipped, cases])
print(json.dumps(out))`;
    const read = spawnSync(python, ['-c', reader, report], { encoding: 'utf8' });
    expect(read.stderr).toBe('');
    expect(JSON.parse(read.stdout)).toEqual([
      ['fails <&> "quoted"', 2, 1, 0, 1, [
        ['1. wrong status', failing, ['Failure: expect.status: expected any 2xx, got 400']],
        ['2. createUser', failing, ['Skipped: not run: an earlier step of this scenario did not pass']],
      ]],
      ['onboarding', 3, 0, 0, 0, [
        ['1. create the user', passing, []],
        ['2. read it back', passing, []],
        ['3. the duplicate is refused', passing, []],
      ]],
    ]);
    expect(readFileSync(report, 'utf8')).toMatch(/&gt; x-api-key: \*\*\*\*…[\w-]{4}\n/);
  });

  it('writes TAP and JSON reports of the same run', async () => {
    const path = s.file('tapjson.yml', 'name: tj\nsteps:\n  - call: createUser\n    params: { email: "tj-{{ run.id }}@example.com" }\n  - call: getUserByEmail\n    params: { email: nobody@example.com }\n');
    const tap = join(s.dir, 'report.tap');
    const json = join(s.dir, 'report.json');
    const result = await s.test([path, '--report', `tap:${tap}`, '--report', `json:${json}`]);
    expect(result.code).toBe(8);
    expect(readFileSync(tap, 'utf8')).toMatch(/^TAP version 13\n1\.\.2\nok 1 - tj: createUser\nnot ok 2 - tj: getUserByEmail\n  ---\n/);
    const data = JSON.parse(readFileSync(json, 'utf8'));
    expect(data.summary).toEqual({ scenarios: 1, steps: 2, passed: 1, failed: 1, errors: 0, skipped: 0 });
    expect(data.scenarios[0].steps[1].failures).toEqual([{ expectation: 'expect.status', expected: 'any 2xx', actual: '400' }]);
  });

  it('writes an HTML page of the run: every step, each failure with its exchange, secrets masked; well-formed XML too', async () => {
    const path = s.file('html.yml', `name: "<b>html</b> & co"
steps:
  - call: createUser
    params: { email: "html-{{ run.id }}@example.com", password: "hunter2-very-secret" }
  - call: getUserByEmail
    params: { email: "html-{{ run.id }}@example.com" }
    expect: { body: { displayName: "<script>alert(1)</script>" } }
  - call: getUserByEmail
    params: { email: nobody@example.com }
`);
    const html = join(s.dir, 'report.html');
    const result = await s.test([path, '--report', `html:${html}`]);
    expect(result.code).toBe(8);
    const page = readFileSync(html, 'utf8');
    expect(page.startsWith('<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="en">\n')).toBe(true);
    expect(page).toContain('<title>oneoffice test: FAILED</title>');
    expect(page).toContain('<span class="passed">1 passed</span><span class="failed">1 failed</span><span class="error">0 without an answer</span><span class="skipped">1 skipped</span>');
    expect(page).toContain('<h2>&lt;b&gt;html&lt;/b&gt; &amp; co <small>');
    expect(page).toContain('<tr class="failed"><td>2</td><td>getUserByEmail</td><td>getUserByEmail</td><td>5</td><td>failed</td>');
    expect(page).toContain('<tr class="skipped"><td>3</td><td>getUserByEmail</td><td>getUserByEmail</td><td>8</td><td>skipped</td><td></td></tr>');
    expect(page).toContain('expect.body.&quot;displayName&quot;: expected &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
    expect(page).toMatch(/&gt; x-api-key: \*\*\*\*…[\w-]{4}\n/);
    expect(page).not.toContain(TOKEN);
    expect(page).not.toContain('<script>');
    // Parsed by a strict XML parser (Python's), every step row is there.
    const parsed = spawnSync('python3', ['-c', 'import sys, xml.etree.ElementTree as ET; t = ET.parse(sys.argv[1]); print(len(t.findall(".//{http://www.w3.org/1999/xhtml}tr")))', html], { encoding: 'utf8' });
    expect({ out: parsed.stdout, err: parsed.stderr }).toEqual({ out: '5\n', err: '' });
  });

  it('refuses a report format it does not know, before sending', async () => {
    const result = await s.test([s.file('r.yml', onboarding('r')), '--report', 'xml:out.xml', '--mock']);
    expect(result.stderr).toBe('oneoffice: --report: must be FORMAT:FILE with FORMAT one of junit, tap, json, html (got "xml:out.xml")\noneoffice: 1 problem; nothing was sent\n');
    expect(result.code).toBe(2);
  });
});
