// `oneoffice test` attacked as batch was (issue 20): secrets in escaped forms, creates sent again by
// retry-until, inputs without bounds (large integers, aliases, 1 MiB params), values that skip the
// checks, server text on the console, answers that are not JSON. The built CLI against the mock or a
// recording server; each test asserts what the server received.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { SUMMARY_TIME, TOKEN, useScenarioBench } from '../helpers/scenario.js';
import { jsonResponder, startRecordingServer, type RecordingServer, type Responder } from '../helpers/server.js';

const s = useScenarioBench();
let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
  server.respond(jsonResponder(200, { ok: true }));
});

const serverEnv = (token = TOKEN) => isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: token });
const sentParams = () => server.received.map((request) => (JSON.parse(request.body) as { params: unknown }).params);

describe('secrets in every form they take', () => {
  it('masks a password and a token holding " and \\ in the console and in the JUnit, JSON, HTML and TAP reports, also when the server echoes them JSON-escaped', async () => {
    const token = 'tok"Kq\\Wv-0123456789';
    const password = 'Qx"v\\Zj';
    // The server echoes both in its message: JSON-escaped in the body.
    server.respond((request, res) => {
      const sent = JSON.parse(request.body) as { params: { password: string } };
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify(`password ${sent.params.password} is too weak for key ${String(request.headers['x-api-key'])}`));
    });
    const path = s.file('escaped.yml', `steps:\n  - call: resetPasswordByEmail\n    params: { email: a@example.com, password: '${password}' }\n    expect: { error: { matches: "^nothing like it" } }\n`);
    const reports = ['junit', 'json', 'html', 'tap'].map((format) => `${format}:${join(s.dir, `escaped-${format}.out`)}`);
    const result = await s.test([path, ...reports.flatMap((report) => ['--report', report])], serverEnv(token));
    expect(result.code).toBe(8);
    expect(server.received).toHaveLength(1);
    expect(result.stdout).toContain('expect.error: expected matches "^nothing like it", got "password **** is too weak for key ****"\n');
    expect(result.stdout).toContain('\n   "password **** is too weak for key ****"\n');
    // The temporary folder's name is random letters (mkdtemp): it may hold any two of them, so it is
    // taken out before looking for pieces of the secrets (it made this test fail about once in 250 runs).
    const outputs = [result.stdout, result.stderr, ...reports.map((report) => readFileSync(report.slice(report.indexOf(':') + 1), 'utf8'))].map((output) => output.replaceAll(s.dir, '<dir>'));
    for (const output of outputs) {
      for (const piece of ['Qx', 'Zj', 'Kq', 'Wv-']) expect(output).not.toContain(piece);
    }
  });
});

describe('retry-until sends again only what is safe to send again', () => {
  it('never sends an uncertain create again: a server answering after 3 s, --max-time 1, createFirstOrder reaches it once', async () => {
    server.respond((_request, res) => {
      setTimeout(() => jsonResponder(200, { ok: true })(_request, res), 3000);
    });
    const path = s.file('uncertain.yml', `steps:
  - call: createFirstOrder
    params: { customer: C1, id: ORD-1, product: oo-lite, licenses: 1, duration: monthly }
    retry-until: { interval: 100, timeout: 6000 }
    expect: { schema: false }
`);
    const result = await s.test([path, '--max-time', '1'], serverEnv());
    expect(result.stdout).toContain('retry-until does not send createFirstOrder again: it is not idempotent, and the server may have received it');
    expect(result.code).not.toBe(0);
    expect(server.received).toHaveLength(1);
  });

  it('sends the same params, unchanged, to every attempt and every step that shares them (a YAML alias, a repeated step, a step polled with retry-until, a whole-value variable)', async () => {
    let answered = 0;
    server.respond((_request, res) => jsonResponder(200, { ready: ++answered >= 3 })(_request, res));
    const path = s.file('shared.yml', `vars:
  boss: { email: boss@example.com, displayName: Boss }
steps:
  - call: getUserByEmail
    params: &same { email: same@example.com }
    expect: { schema: false }
  - call: getUserByEmail
    params: *same
    retry-until: { interval: 10, timeout: 60000 }
    expect: { schema: false, body: { ready: true } }
  - call: getUserByEmail
    params: *same
    expect: { schema: false }
  - call: createCustomer
    params: { id: C1, name: One, admin: "{{ boss }}" }
    expect: { schema: false }
  - call: createCustomer
    params: { id: C2, name: Two, admin: "{{ boss }}" }
    expect: { schema: false }
`);
    const result = await s.test([path], serverEnv());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(server.received).toHaveLength(6);
    const bodies = server.received.map((request) => request.body);
    expect(bodies.slice(0, 4)).toEqual(Array.from({ length: 4 }, () => '{"method":"getUserByEmail","params":{"email":"same@example.com"}}'));
    expect(sentParams().slice(4)).toEqual([
      { id: 'C1', name: 'One', admin: { email: 'boss@example.com', displayName: 'Boss' } },
      { id: 'C2', name: 'Two', admin: { email: 'boss@example.com', displayName: 'Boss' } },
    ]);
  });

  it('refuses an interval of 0 and a timeout beyond a day before sending (exit 2)', async () => {
    const path = s.file('busy.yml', `steps:\n  - call: getUserByEmail\n    params: { email: a@example.com }\n    retry-until: { interval: 0, timeout: 1e15 }\n`);
    const result = await s.test([path], serverEnv());
    expect(result.stderr).toBe(
      `oneoffice: ${path}:4: step 1 (getUserByEmail): retry-until.timeout: must be a number of milliseconds from 1 to 86400000 (one day)\n` +
        `oneoffice: ${path}:4: step 1 (getUserByEmail): retry-until.interval: must be a number of milliseconds from 10 to 86400000 (one day)\n` +
        'oneoffice: 2 problems; nothing was sent\n',
    );
    expect(result.code).toBe(2);
    expect(server.received).toHaveLength(0);
  });
});

describe('integers beyond 2^53 are refused, never rounded', () => {
  it('refuses one in the scenario file, naming its line (exit 2, nothing sent)', async () => {
    const path = s.file('big.yml', 'steps:\n  - call: createUser\n    params:\n      email: a@example.com\n      instance: 9007199254740993\n');
    const result = await s.test([path], serverEnv());
    expect(result.stderr).toBe(
      `oneoffice: ${path}:5: step 1 (createUser): params.instance: must be a whole number between -9007199254740991 and 9007199254740991 (2^53 - 1): larger ones are not sent exactly\n` +
        'oneoffice: 1 problem; nothing was sent\n',
    );
    expect(result.code).toBe(2);
    expect(server.received).toHaveLength(0);
  });

  it.each([
    ['JSON', 'vars.json', '{"inst": 9007199254740993}'],
    ['YAML', 'vars.yml', 'inst: 9007199254740993\n'],
  ])('refuses one in a --vars-file of %s (exit 2, nothing sent)', async (_kind, name, text) => {
    const vars = s.file(name, text);
    const path = s.file('inst.yml', 'steps:\n  - call: createUser\n    params: { email: a@example.com, instance: "{{ inst }}" }\n');
    const result = await s.test([path, '--vars-file', vars], serverEnv());
    expect(result.stderr).toContain(`oneoffice: --vars-file ${vars}: inst: must be a whole number between`);
    expect(result.code).toBe(2);
    expect(server.received).toHaveLength(0);
  });

  it('refuses to capture one from an answer: the step fails and the next is not sent', async () => {
    server.respond((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":9007199254740993,"email":"a@example.com","instance":9007199254740993}');
    });
    const path = s.file('capture-big.yml', `steps:
  - call: getUserByEmail
    params: { email: a@example.com }
    expect: { schema: false }
    capture: { inst: instance }
  - call: createUser
    params: { email: b@example.com, instance: "{{ inst }}" }
`);
    const result = await s.test([path], serverEnv());
    expect(result.stdout).toContain('capture.inst: expected a value later steps can send as it came, got a whole number beyond 2^53 - 1, which is not carried exactly');
    expect(result.code).toBe(8);
    expect(server.received).toHaveLength(1);
  });

  it('--query on a single call prints the digits the server sent', async () => {
    server.respond((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":9007199254740993,"ids":[-12345678901234567890,1],"email":"a@example.com"}');
    });
    const id = await runMain(['getUserByEmail', '--email', 'a@example.com', '--query', 'id'], serverEnv());
    expect(id).toEqual({ code: 0, stdout: '9007199254740993\n', stderr: '' });
    const object = await runMain(['getUserByEmail', '--email', 'a@example.com', '--query', '{id: id, ids: ids, e: email}'], serverEnv());
    expect(object).toEqual({ code: 0, stdout: '{"id":9007199254740993,"ids":[-12345678901234567890,1],"e":"a@example.com"}\n', stderr: '' });
  });
});

describe('params are checked as they will be sent', () => {
  it('checks captured values against the method\'s schema before sending: a failure fails the step, nothing sent', async () => {
    server.respond(jsonResponder(200, { email: 'not an email' }));
    const path = s.file('captured.yml', `steps:
  - call: getUserByEmail
    params: { email: a@example.com }
    expect: { schema: false }
    capture: { address: email }
  - call: createUser
    params: { email: "{{ address }}" }
`);
    const result = await s.test([path], serverEnv());
    expect(result.stdout).toMatch(/^\.F\n/);
    expect(result.stdout).toContain('params (checked before sending; nothing was sent): expected what the method accepts, got params.email: must be an e-mail address (got "not an email")');
    expect(result.code).toBe(8);
    expect(server.received).toHaveLength(1);
  });

  it('refuses __proto__ in params as everywhere else (exit 2, nothing sent)', async () => {
    const path = s.file('proto.yml', 'steps:\n  - call: createUser\n    params: { email: a@example.com, __proto__: { instance: 5 } }\n');
    const result = await s.test([path], serverEnv());
    expect(result.stderr).toBe(`oneoffice: ${path}:3: step 1 (createUser): params.__proto__: "__proto__" is not allowed as a parameter name\noneoffice: 1 problem; nothing was sent\n`);
    expect(result.code).toBe(2);
    expect(server.received).toHaveLength(0);
  });

  it('fills an integer from --var when the text converts exactly, as a flag does', async () => {
    const path = s.file('var-int.yml', 'steps:\n  - call: createUser\n    params: { email: a@example.com, instance: "{{ inst }}" }\n    expect: { schema: false }\n');
    const result = await s.test([path, '--var', 'inst=5'], serverEnv());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(sentParams()).toEqual([{ email: 'a@example.com', instance: 5 }]);
    const wrong = await s.test([path, '--var', 'inst=5x'], serverEnv());
    expect(wrong.stderr).toBe(`oneoffice: ${path}:3: step 1 (createUser): params.instance: must be an integer (got "5x")\noneoffice: 1 problem; nothing was sent\n`);
    expect(wrong.code).toBe(2);
    expect(server.received).toHaveLength(1);
  });

  it('refuses a misspelled matcher before sending (exit 2), as an unknown step key', async () => {
    const path = s.file('matcher.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: a@example.com }\n    expect:\n      body:\n        isActive: { equal: true }\n');
    const result = await s.test([path], serverEnv());
    expect(result.stderr).toBe(
      `oneoffice: ${path}:6: step 1 (getUserByEmail): expect.body."isActive": unknown operator "equal" (did you mean equals?) (allowed: equals, matches, exists, type, lt, le, gt, ge, length; to compare with an object, use { equals: ... })\n` +
        'oneoffice: 1 problem; nothing was sent\n',
    );
    expect(result.code).toBe(2);
    expect(server.received).toHaveLength(0);
  });
});

describe('inputs with bounds', () => {
  it('refuses a file whose aliases expand to more than 8 MiB of text, though it holds few values (exit 2, nothing sent)', async () => {
    const big = 'x'.repeat(64 * 1024);
    const aliases = Array.from({ length: 200 }, () => '    - *big').join('\n');
    const path = s.file('laughs.yml', `vars:\n  big: &big "${big}"\n  many:\n${aliases}\nsteps:\n  - call: getUserByEmail\n    params: { email: a@example.com }\n`);
    const result = await s.test([path], serverEnv());
    expect(result.stderr).toBe(`oneoffice: ${path}:1: not valid YAML: more than 8 MiB of text once its aliases (*name) are expanded\noneoffice: 1 problem; nothing was sent\n`);
    expect(result.code).toBe(2);
    expect(server.received).toHaveLength(0);
  });

  it('refuses params over 1 MiB, as single calls do (exit 2, nothing sent)', async () => {
    const path = s.file('huge.yml', `steps:\n  - call: createUser\n    params: { email: a@example.com, displayName: "${'y'.repeat(1024 * 1024)}" }\n`);
    const result = await s.test([path], serverEnv());
    expect(result.stderr).toBe(`oneoffice: ${path}:3: step 1 (createUser): params: 1048618 bytes, larger than 1048576 bytes (1 MiB), more than a call may carry\noneoffice: 1 problem; nothing was sent\n`);
    expect(result.code).toBe(2);
    expect(server.received).toHaveLength(0);
  });

  it('cuts a long request body in what a failure prints', async () => {
    server.respond(jsonResponder(400, 'no'));
    const path = s.file('long.yml', `steps:\n  - call: createUser\n    params: { email: a@example.com, displayName: "${'z'.repeat(500 * 1024)}" }\n`);
    const report = join(s.dir, 'long-junit.xml');
    const result = await s.test([path, '--report', `junit:${report}`], serverEnv());
    expect(result.code).toBe(8);
    expect(server.received).toHaveLength(1);
    expect(result.stdout).toMatch(/\n {3}\.\.\. \(\d+ more characters\)\n/);
    expect(result.stdout.length).toBeLessThan(10_000);
    expect(readFileSync(report, 'utf8').length).toBeLessThan(20_000);
  });
});

describe('what servers send', () => {
  it('shows the terminal escapes of a non-JSON 500 body in the failure output, never obeying them', async () => {
    server.respond((_request, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('\x1b]0;TITLE\x07\x1b[2J broken');
    });
    const path = s.file('escapes.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: a@example.com }\n');
    const result = await s.test([path, '--retry', '0'], serverEnv());
    expect(result.code).toBe(8);
    expect(result.stdout).not.toContain('\x1b');
    expect(result.stdout).not.toContain('\x07');
    expect(result.stdout).toContain('   \\u001b]0;TITLE\\u0007\\u001b[2J broken\n');
  });

  const notJson: Array<[string, Responder, RegExp]> = [
    ['an HTML page', (_request, res) => (res.writeHead(200, { 'content-type': 'text/html' }), res.end('<html><body>maintenance</body></html>')), /server answered 200 OK but the body is not JSON \(text\/html, 37 bytes\)/],
    ['a body over 1 MiB', (_request, res) => (res.writeHead(200, { 'content-type': 'text/html' }), res.end('<p>'.repeat(700_000))), /server answered 200 OK with a body over 1048576 bytes, too large to check that it is JSON/],
  ];
  it.each(notJson)('fails a step answered 200 with %s, with expect.schema: false, as a single call fails (exit 1)', async (_name, responder, message) => {
    server.respond(responder);
    const path = s.file('html.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: a@example.com }\n    expect: { status: 200, schema: false }\n');
    const result = await s.test([path], serverEnv());
    expect(result.stdout).toMatch(new RegExp(`^F\\n[^]*the answer: expected JSON or nothing \\(as for single calls\\), got ${message.source}[^]*FAILED: 1 scenario, 1 step: 0 passed, 1 failed ${SUMMARY_TIME}\\n$`));
    expect(result.code).toBe(8);
    const single = await runMain(['getUserByEmail', '--email', 'a@example.com'], serverEnv());
    expect(single.code).toBe(1);
  });
});
