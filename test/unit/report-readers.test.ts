// `oneoffice test`'s reports read by the programs CI servers read them with, not by our own code:
// TAP by Debian's prove and the npm tap-parser (with PyYAML on its YAML blocks), JUnit by
// python3-junitparser and an XSD through xmllint, HTML by Python's html.parser, JSON by JSON.parse:
// also to find no token the server echoed JSON-escaped. A reader missing here skips with a warning;
// in CI (CI=true, where .ci/run installs them) it fails instead.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, ROOT } from '../helpers/cli.js';
import { hasProgram } from '../helpers/platform.js';
import { useScenarioBench } from '../helpers/scenario.js';
import { refusedPort, startRecordingServer, type RecordingServer } from '../helpers/server.js';

const s = useScenarioBench();
const TAP_PARSER = join(ROOT, 'node_modules', '.bin', 'tap-parser');

/** A reader the test needs: missing, the test is skipped with a warning, or fails in CI. */
function reader(name: string, present: boolean, install: string): boolean {
  if (present) return true;
  if (process.env['CI']) throw new Error(`${name} is missing in CI (.ci/run installs ${install})`);
  console.warn(`SKIPPED: ${name} is not installed (apt-get install ${install})`);
  return false;
}

const pythonWith = (module: string) => ['/usr/bin/python3', 'python3'].find((python) => spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0);

/** prove's verdict on a TAP file: it runs `cat FILE` and reads what cat prints. */
function prove(file: string) {
  const run = spawnSync('prove', ['--exec', 'cat', file], { encoding: 'utf8' });
  return { code: run.status, result: /^Result: (\w+)$/m.exec(run.stdout)?.[1], parseErrors: /Parse errors/.test(run.stdout + run.stderr) };
}

/** tap-parser's final count of a TAP text. */
function tapParser(tap: string) {
  const run = spawnSync(process.execPath, [TAP_PARSER, '-j'], { input: tap, encoding: 'utf8' });
  const events = JSON.parse(run.stdout) as Array<[string, Record<string, unknown>]>;
  const complete = events.find(([kind]) => kind === 'complete')?.[1] ?? {};
  return { ok: complete['ok'], count: complete['count'], pass: complete['pass'], fail: complete['fail'], todo: complete['todo'], skip: complete['skip'] };
}

/** Every YAML block of a TAP text, loaded by PyYAML: the loaded values, or the error. */
function pyYamlBlocks(python: string, tap: string): unknown {
  const script = `
import sys, json, yaml
blocks, block = [], None
for line in sys.stdin.read().split('\\n'):
    if line == '  ---': block = []
    elif line == '  ...': blocks.append(yaml.safe_load('\\n'.join(block))); block = None
    elif block is not None: block.append(line[2:])
print(json.dumps(blocks))`;
  const run = spawnSync(python, ['-c', script], { input: tap, encoding: 'utf8' });
  return run.status === 0 ? JSON.parse(run.stdout) : run.stderr;
}

const CONTROLS_EXPECTED = String.raw`"del\x7f nel\x85 csi\x9b esc\e[31m"`;
const failingTap = () =>
  s.file(
    'tap-fail.yml',
    `name: "readers \\e[2J"
steps:
  - call: createUser
    params: { email: "tap-{{ run.id }}@example.com", displayName: Ada }
  - name: 'this fails C:\\# TODO looks like a directive'
    call: getUserByEmail
    params: { email: "tap-{{ run.id }}@example.com" }
    expect: { body: { displayName: ${CONTROLS_EXPECTED} } }
`,
  );

describe('TAP, as prove and tap-parser read it', () => {
  it('a failing step named C:\\# TODO reads as failed, not as a TODO, to prove and tap-parser', async () => {
    const dir = join(s.dir, 'tap-todo');
    mkdirSync(dir);
    const report = join(dir, 'r.tap');
    const result = await s.test([failingTap(), '--report', `tap:${report}`]);
    expect(result.code).toBe(8);
    const tap = readFileSync(report, 'utf8');
    expect(tap.split('\n').slice(0, 4)).toEqual(['TAP version 13', '1..2', 'ok 1 - readers \\x{1b}[2J: createUser', 'not ok 2 - readers \\x{1b}[2J: this fails C:\\\\\\# TODO looks like a directive']);
    expect(tapParser(tap)).toEqual({ ok: false, count: 2, pass: 1, fail: 1, todo: 0, skip: 0 });
    if (reader('prove', hasProgram('prove'), 'perl')) expect(prove(report)).toEqual({ code: 1, result: 'FAIL', parseErrors: false });
  });

  it('a passing report reads as PASS to prove (TAP 13: prove 3.44 refuses version 14)', async () => {
    const report = join(s.dir, 'pass.tap');
    const path = s.file('tap-pass.yml', 'steps:\n  - call: createUser\n    params: { email: "tappass-{{ run.id }}@example.com" }\n  - call: getUserByEmail\n    params: { email: nobody@example.com }\n    expect: { status: 400 }\n');
    const result = await s.test([path, '--report', `tap:${report}`]);
    expect(result.code).toBe(0);
    expect(tapParser(readFileSync(report, 'utf8'))).toEqual({ ok: true, count: 2, pass: 2, fail: 0, todo: 0, skip: 0 });
    if (reader('prove', hasProgram('prove'), 'perl')) expect(prove(report)).toEqual({ code: 0, result: 'PASS', parseErrors: false });
  });

  it('every YAML block is read by PyYAML, control characters (DEL, C1, ESC) included', async () => {
    const report = join(s.dir, 'controls.tap');
    const result = await s.test([failingTap(), '--report', `tap:${report}`]);
    expect(result.code).toBe(8);
    const python = pythonWith('yaml');
    if (!reader('PyYAML', python !== undefined, 'python3-yaml')) return;
    const blocks = pyYamlBlocks(python as string, readFileSync(report, 'utf8'));
    expect(blocks).toEqual([
      {
        file: expect.stringMatching(/tap-fail\.yml$/),
        line: 5,
        method: 'getUserByEmail',
        message: 'expect.body."displayName": expected "del\x7f nel\x85 csi\x9b esc\\u001b[31m", got "Ada"',
        duration_ms: expect.any(Number),
      },
    ]);
  });
});

/** The testcases of a JUnit report as junitparser reads them: [suite, classname, name, results]. */
function junitCases(python: string, report: string): Array<[string, string, string, string[]]> {
  const script = `
import sys, json
from junitparser import JUnitXml
out = []
for suite in JUnitXml.fromfile(sys.argv[1]):
    for case in suite:
        out.append([suite.name, case.classname, case.name, [type(r).__name__ for r in case.result]])
print(json.dumps(out))`;
  const run = spawnSync(python, ['-c', script, report], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

/** xmllint's verdict on a report against the JUnit XSD of test/fixtures (the shape CI servers read). */
function xsdCheck(report: string) {
  const run = spawnSync('xmllint', ['--noout', '--schema', join(ROOT, 'test', 'fixtures', 'junit-report.xsd'), report], { encoding: 'utf8' });
  return { code: run.status, stderr: run.stderr.replaceAll(report, 'REPORT') };
}

describe('JUnit, as junitparser and xmllint (with the XSD of the shape CI servers read) read it', () => {
  const python = pythonWith('junitparser');

  it('two files named dupe.yml in two folders, with unnamed steps, give six testcases with six keys (suite, classname, name)', async () => {
    if (!reader('python3-junitparser', python !== undefined, 'python3-junitparser')) return;
    const dupe = (folder: string) => `steps:\n  - call: createUser\n    params: { email: "dupe-${folder}-{{ run.id }}@example.com" }\n  - call: getUserByEmail\n    params: { email: "dupe-${folder}-{{ run.id }}@example.com" }\n  - call: getUserByEmail\n    params: { email: nobody@example.com }\n`;
    const files = ['a', 'b'].map((folder) => {
      mkdirSync(join(s.dir, 'dupes', folder), { recursive: true });
      const path = join(s.dir, 'dupes', folder, 'dupe.yml');
      writeFileSync(path, dupe(folder));
      return path;
    });
    const report = join(s.dir, 'dupes.xml');
    const result = await s.test([...files, '--report', `junit:${report}`]);
    expect(result.code).toBe(8);
    const cases = junitCases(python as string, report);
    expect(cases).toEqual(
      files.flatMap((file) => [
        ['dupe', file, '1. createUser', []],
        ['dupe', file, '2. getUserByEmail', []],
        ['dupe', file, '3. getUserByEmail', ['Failure']],
      ]),
    );
    expect(new Set(cases.map(([suite, classname, name]) => `${suite}\n${classname}\n${name}`)).size).toBe(6);
  });

  it('a newline in a step name survives in the attribute as &#10;', async () => {
    if (!reader('python3-junitparser', python !== undefined, 'python3-junitparser')) return;
    const report = join(s.dir, 'newline.xml');
    const path = s.file('newline.yml', 'name: nl\nsteps:\n  - name: "two\\nlines"\n    call: getUserByEmail\n    params: { email: nobody@example.com }\n    expect: { status: 400 }\n');
    const result = await s.test([path, '--report', `junit:${report}`]);
    expect(result.code).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain('<testcase name="1. two&#10;lines"');
    expect(junitCases(python as string, report)).toEqual([['nl', path, '1. two\nlines', []]]);
  });

  it("reports with passed, failed, skipped and unanswered steps are valid against the XSD of the JUnit shape CI servers read", async () => {
    if (!reader('xmllint', hasProgram('xmllint'), 'libxml2-utils')) return;
    const mixed = join(s.dir, 'mixed.xml');
    const path = s.file('mixed.yml', 'name: "mixed <&>"\nsteps:\n  - call: createUser\n    params: { email: "mixed-{{ run.id }}@example.com" }\n  - call: getUserByEmail\n    params: { email: nobody@example.com }\n  - call: createUser\n    params: { email: "mixed2-{{ run.id }}@example.com" }\n');
    expect((await s.test([path, '--report', `junit:${mixed}`])).code).toBe(8);
    expect(xsdCheck(mixed)).toEqual({ code: 0, stderr: 'REPORT validates\n' });
    const closed = await refusedPort();
    const unanswered = join(s.dir, 'unanswered.xml');
    const result = await s.test([path, '--report', `junit:${unanswered}`, '--retry', '0'], { ...s.env(), ONEOFFICE_URL: `http://127.0.0.1:${closed}` });
    expect(result.code).toBe(6);
    expect(readFileSync(unanswered, 'utf8')).toContain('<error message=');
    expect(xsdCheck(unanswered)).toEqual({ code: 0, stderr: 'REPORT validates\n' });
  });
});

/** Text with every JSON escape (\\uXXXX in either case, \\/, \\" ...) read back as the character it writes, as often as it nests. */
function unescapeJson(text: string): string {
  const once = (value: string) => value.replace(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt])/g, (escape: string, code: string) => (code.length === 5 ? String.fromCharCode(parseInt(code.slice(1), 16)) : (JSON.parse(`"${escape}"`) as string)));
  let previous = '';
  let current = text;
  while (current !== previous) [previous, current] = [current, once(current)];
  return current;
}

/** Every string in a parsed JSON value (keys too). */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [...(Array.isArray(value) ? [] : [key]), ...stringsIn(item)]);
}

/** Every failure's message and text in a JUnit report, as junitparser reads them. */
function junitTexts(python: string, report: string): string[] {
  const script = `
import sys, json
from junitparser import JUnitXml
out = []
for suite in JUnitXml.fromfile(sys.argv[1]):
    for case in suite:
        for result in case.result: out += [result.message or '', result.text or '']
print(json.dumps(out))`;
  const run = spawnSync(python, ['-c', script, report], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as string[];
}

/** The text and attribute values of an HTML report, character references read, as Python's html.parser reads them. */
function htmlTexts(report: string): string[] {
  const script = `
import sys, json
from html.parser import HTMLParser
out = []
class Reader(HTMLParser):
    def handle_starttag(self, tag, attrs): out.extend(value or '' for _, value in attrs)
    def handle_data(self, data): out.append(data)
Reader(convert_charrefs=True).feed(open(sys.argv[1], encoding='utf-8').read())
print(json.dumps(out))`;
  const run = spawnSync('python3', ['-c', script, report], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as string[];
}

describe('a token the server echoes with JSON escapes, in every report as its reader reads it', () => {
  // A token with "/" in it, which PHP's json_encode writes "\/"; its "K" and "e" written as \u escapes (hex in either case).
  const TOKEN = 'esc/Kq-tok/Zj0123456789/Wv';
  const ESCAPED = TOKEN.replaceAll('/', '\\/').replace('K', '\\u004B').replace('e', '\\u0065');
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer((request, res) => {
      const { email } = (JSON.parse(request.body) as { params: { email: string } }).params;
      const [type, body] = email.startsWith('json')
        ? // A JSON string quoting the request as the server read it: the token escaped inside the message.
          ['application/json', JSON.stringify(`bad key in {"key":"${ESCAPED}"}`)]
        : email.startsWith('long')
          ? // An object with no message field: its message is its first 200 characters, which end inside the token.
            ['application/json', JSON.stringify({ code: 401, note: 'n'.repeat(150), key: TOKEN })]
          : email.startsWith('schema')
          ? // An answer of 200 whose id is no integer: the token inside it, where a check quotes 57 characters of it.
            ['application/json', JSON.stringify({ id: `user record created for the API key ${TOKEN} at noon` })]
          : email.startsWith('cut')
          ? ['application/json', `{"error":"bad key ${ESCAPED}`]
          : ['text/plain', `bad key ${ESCAPED}`];
      res.writeHead(email.startsWith('schema') ? 200 : 400, { 'content-type': type });
      res.end(body);
    });
  });
  afterAll(() => server.close());

  it('is masked in the console, JUnit (junitparser), TAP (prove, PyYAML), JSON and HTML (html.parser), in a JSON message, a body cut short and a text/plain body', async () => {
    // One scenario a step: a failed step ends its scenario.
    const paths = ['json', 'cut', 'text'].map((kind) => s.file(`echo-${kind}.yml`, `name: echo ${kind}\nsteps:\n  - call: getUserByEmail\n    params: { email: ${kind}@example.com }\n    expect: { error: { matches: "^nothing like it" } }\n`));
    const report = (format: string) => join(s.dir, `escaped-echo.${format}`);
    const formats = ['junit', 'tap', 'json', 'html'];
    const result = await s.test([...paths, ...formats.flatMap((format) => ['--report', `${format}:${report(format)}`])], isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN }));
    expect(result.code).toBe(8);
    expect(server.received.map((request) => request.headers['x-api-key'])).toEqual([TOKEN, TOKEN, TOKEN]);
    const tap = readFileSync(report('tap'), 'utf8');
    expect(tapParser(tap)).toMatchObject({ ok: false, count: 3, fail: 3 });
    if (reader('prove', hasProgram('prove'), 'perl')) expect(prove(report('tap'))).toEqual({ code: 1, result: 'FAIL', parseErrors: false });
    const read: Record<string, string[]> = {
      console: [result.stdout, result.stderr],
      tap: [tap],
      json: stringsIn(JSON.parse(readFileSync(report('json'), 'utf8'))),
      html: htmlTexts(report('html')),
    };
    const python = pythonWith('yaml');
    if (reader('PyYAML', python !== undefined, 'python3-yaml')) read['tap'] = [tap, ...stringsIn(pyYamlBlocks(python as string, tap))];
    const junitPython = pythonWith('junitparser');
    if (reader('python3-junitparser', junitPython !== undefined, 'python3-junitparser')) read['junit'] = junitTexts(junitPython as string, report('junit'));
    const where = (test: (text: string) => boolean) => Object.entries(read).filter(([, texts]) => test(texts.join('\n'))).map(([place]) => place);
    expect(where((text) => unescapeJson(text).includes(TOKEN))).toEqual([]);
    expect(where((text) => text.includes('****'))).toEqual(['console', 'tap', 'json', 'html', ...(read['junit'] ? ['junit'] : [])]);
    // What each step showed of the answer: the message, the body cut short, the text, each with the token masked.
    expect(result.stdout).toContain('expect.error: expected matches "^nothing like it", got "bad key in {\\"key\\":\\"****\\"}"\n');
    expect(result.stdout).toContain('{"error":"bad key ****\n');
    expect(result.stdout).toContain('bad key ****\n');
  });

  it("is masked, whole, where a failure quotes the server's message cut short (expect.error)", async () => {
    const path = s.file('echo-long.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: long@example.com }\n    expect: { status: 400, error: { matches: "^nothing like it" } }\n');
    const report = join(s.dir, 'echo-long.json');
    const result = await s.test([path, '--report', `json:${report}`], isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN }));
    expect(result.code).toBe(8);
    expect(result.stdout).toContain(`expect.error: expected matches "^nothing like it", got ${JSON.stringify(`{"code":401,"note":"${'n'.repeat(150)}","key":"****"}`)}\n`);
    for (const text of [result.stdout, ...stringsIn(JSON.parse(readFileSync(report, 'utf8')))]) expect(unescapeJson(text)).not.toContain(TOKEN.slice(0, 10));
  });

  it("is masked, whole, where a failure quotes an answer's value cut short (the response schema's check)", async () => {
    const path = s.file('echo-schema.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: schema@example.com }\n');
    const report = join(s.dir, 'echo-schema.json');
    const result = await s.test([path, '--report', `json:${report}`], isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN }));
    expect(result.code).toBe(8);
    expect(result.stdout).toContain('body.id: must be an integer (got "user record created for the API key **** at noon")');
    // Not a piece of it either: cut first, the check would have shown its first 20 characters.
    for (const text of [result.stdout, ...stringsIn(JSON.parse(readFileSync(report, 'utf8')))]) expect(unescapeJson(text)).not.toContain(TOKEN.slice(0, 10));
  });
});
