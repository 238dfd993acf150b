// Where `oneoffice test --report` writes, from main() in this process: a missing folder is made,
// inputs and shared paths are refused before sending, an unwritable path is found before the first
// step, and a refused run leaves no older passing report behind. Reports on stdout through a pipe and
// a run stopped by a signal are test/e2e/report-paths.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onboarding, PASSING_JUNIT, useScenarioBench } from '../helpers/scenario.js';

const s = useScenarioBench();

describe('report paths', () => {
  it('makes a missing folder for the report', async () => {
    const dir = s.folder();
    const result = await s.test([s.file('folder.yml', onboarding('folder')), '--report', `junit:${join(dir, 'out', 'deep', 'r.xml')}`]);
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'deep', 'r.xml'), 'utf8')).toContain('<testcase name="3. the duplicate is refused"');
  });

  it('refuses a report path that is an input (the scenario file, the --vars-file) or another report, before sending', async () => {
    const dir = s.folder();
    const path = join(dir, 's.yml');
    writeFileSync(path, onboarding('inputs'));
    writeFileSync(join(dir, 'vars.yml'), 'other: 1\n');
    const calls = s.loggedCalls().length;
    const result = await s.test([path, '--vars-file', join(dir, 'vars.yml'), '--report', `json:${path}`, '--report', `tap:${join(dir, 'vars.yml')}`, '--report', `junit:${join(dir, 'r.xml')}`, '--report', `tap:${dir}/../${dir.split('/').pop()}/r.xml`, '--report', 'tap:-', '--report', 'json:-']);
    expect(result.stderr).toBe(
      [
        `oneoffice: --report json:${path}: is the scenario file ${path}; a report would overwrite it`,
        `oneoffice: --report tap:${join(dir, 'vars.yml')}: is the --vars-file file; a report would overwrite it`,
        `oneoffice: --report tap:${dir}/../${dir.split('/').pop()}/r.xml: the same file as --report junit:${join(dir, 'r.xml')}; one report per file`,
        'oneoffice: --report json:-: stdout as --report tap:-; one report per file',
        'oneoffice: 4 problems; nothing was sent',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe(onboarding('inputs'));
    expect(readFileSync(join(dir, 'vars.yml'), 'utf8')).toBe('other: 1\n');
    expect(s.loggedCalls().length).toBe(calls);
  });

  it('finds an unwritable report path before the first step: nothing is sent', async () => {
    const dir = s.folder();
    writeFileSync(join(dir, 'file'), '');
    const calls = s.loggedCalls().length;
    const result = await s.test([s.file('unwritable.yml', onboarding('unwritable')), '--report', `junit:${join(dir, 'file', 'r.xml')}`, '--report', `tap:${dir}`]);
    expect(result.stderr).toBe(`oneoffice: --report junit:${join(dir, 'file', 'r.xml')}: cannot write it (ENOTDIR)\noneoffice: --report tap:${dir}: cannot write it (EISDIR)\noneoffice: 2 problems; nothing was sent\n`);
    expect(result.code).toBe(2);
    expect(s.loggedCalls().length).toBe(calls);
  });

  it('a run refused with exit 2 leaves no older passing report: the reports (JUnit, HTML) say it was refused', async () => {
    const dir = s.folder();
    const report = join(dir, 'r.xml');
    writeFileSync(report, PASSING_JUNIT);
    const html = join(dir, 'r.html');
    writeFileSync(html, '<title>oneoffice test: OK</title>\n');
    const result = await s.test([s.file('refused.yml', 'steps:\n  - call: createUser\n    params: { email: not-an-email }\n'), '--report', `junit:${report}`, '--report', `html:${html}`]);
    expect(result.code).toBe(2);
    expect(readFileSync(html, 'utf8')).toContain('<title>oneoffice test: INCOMPLETE</title>');
    expect(readFileSync(html, 'utf8')).toContain('<p class="failed">refused (exit 2): 1 problem; nothing was sent</p>');
    expect(readFileSync(report, 'utf8')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="oneoffice test" tests="1" failures="0" errors="1" time="0.000">\n' +
        '  <testsuite name="oneoffice test" tests="1" failures="0" errors="1" skipped="0" time="0.000">\n    <testcase name="the run finished" classname="oneoffice test" time="0.000">\n' +
        '      <error message="refused (exit 2): 1 problem; nothing was sent" type="E_INCOMPLETE"/>\n    </testcase>\n  </testsuite>\n</testsuites>\n',
    );
  });
});
