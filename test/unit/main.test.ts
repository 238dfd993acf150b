// main() with injected streams and undici's MockAgent: output modes without a terminal or a server.
import { PassThrough } from 'node:stream';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { Capture } from '../helpers/in-process.js';
import { main, type Deps } from '../../src/cli/main.js';

const ORIGIN = 'https://api.oneoffice.test';
const USER = { email: 'test1@oneoffice.bh', id: 2, isAdmin: false, profile: { phones: [] }, values: { timezone: null } };
let agent: MockAgent;

function deps(options: { tty: boolean; env?: Record<string, string> }): Deps & { stdout: Capture; stderr: Capture } {
  agent = new MockAgent();
  agent.disableNetConnect();
  return {
    stdout: new Capture(options.tty),
    stderr: new Capture(options.tty),
    stdin: new PassThrough(),
    env: { URL: `${ORIGIN}/api`, BEARER: 'unit-token-0123456789', HOME: '/nonexistent', ...options.env },
    dispatcher: agent,
  };
}

afterEach(() => agent?.close());

describe('main with a mocked API', () => {
  it('pretty-prints JSON on a terminal, with colour', async () => {
    const d = deps({ tty: true });
    agent.get(ORIGIN).intercept({ path: '/api', method: 'GET', body: '{"method":"getUserByEmail","params":{"email":"test1@oneoffice.bh"}}' }).reply(200, USER);
    expect(await main(['getUserByEmail', '--email', 'test1@oneoffice.bh'], d)).toBe(0);
    expect(d.stdout.text).toContain('\u001b[34m"email"\u001b[39m: \u001b[32m"test1@oneoffice.bh"\u001b[39m');
    expect(d.stdout.text.replace(/\u001b\[\d+m/g, '')).toBe(`${JSON.stringify(USER, null, 2)}\n`);
    expect(d.stderr.text).toBe('');
  });

  it.each([[{ NO_COLOR: '1' }, []], [{}, ['--no-color']], [{ FORCE_COLOR: '0' }, []]])('no colour with %j %j', async (env, flags) => {
    const d = deps({ tty: true, env });
    agent.get(ORIGIN).intercept({ path: '/api', method: 'GET' }).reply(200, USER);
    expect(await main(['getUserByEmail', '--email', 'test1@oneoffice.bh', ...flags], d)).toBe(0);
    expect(d.stdout.text).toBe(`${JSON.stringify(USER, null, 2)}\n`);
  });

  it('writes the bytes as received when stdout is not a terminal', async () => {
    const d = deps({ tty: false, env: { FORCE_COLOR: '1' } });
    agent.get(ORIGIN).intercept({ path: '/api', method: 'GET' }).reply(200, '{"a":1,  "b":[ ]}', { headers: { 'content-type': 'application/json' } });
    expect(await main(['getUserByEmail', '--email', 'test1@oneoffice.bh'], d)).toBe(0);
    expect(d.stdout.text).toBe('{"a":1,  "b":[ ]}');
  });

  it('an HTTP error: exit 4, the message on stderr, the body on stdout', async () => {
    const d = deps({ tty: false });
    agent.get(ORIGIN).intercept({ path: '/api', method: 'GET' }).reply(400, '"unknown e-mail"');
    expect(await main(['getUserByEmail', '--email', 'nobody@oneoffice.bh'], d)).toBe(4);
    expect(d.stdout.text).toBe('"unknown e-mail"');
    expect(d.stderr.text).toBe('oneoffice: server answered 400 Bad Request: unknown e-mail\n');
  });

  it('a validation error sends nothing', async () => {
    const d = deps({ tty: false });
    expect(await main(['createUser', '--email', 'not-an-email'], d)).toBe(2);
    expect(d.stderr.text).toBe('oneoffice: --email: must be an e-mail address (got "not-an-email")\n');
    expect(() => agent.assertNoPendingInterceptors()).not.toThrow();
  });

  it('--debug stack traces never show the token', async () => {
    const token = 'very-secret-token-abcdef123456';
    const d = deps({ tty: false, env: { BEARER: token } });
    agent.get(ORIGIN).intercept({ path: '/api', method: 'GET' }).replyWithError(new Error(`socket broke while sending ${token}`));
    const code = await main(['getUserByEmail', '--email', 'a@b.co', '--debug'], d);
    expect(code).toBe(6);
    expect(d.stderr.text).toContain('socket broke while sending ****');
    expect(d.stderr.text).not.toContain(token);
  });
});

describe('sendWhole (the library, batches)', () => {
  it('follows a URL object that changes between calls', async () => {
    const { sendWhole } = await import('../../src/http/undici-transport.js');
    const { buildCall } = await import('../../src/api/request.js');
    agent = new MockAgent();
    agent.disableNetConnect();
    agent.get(ORIGIN).intercept({ path: '/one', method: 'GET' }).reply(200, { at: 'one' });
    agent.get(ORIGIN).intercept({ path: '/two?x=1', method: 'GET' }).reply(200, { at: 'two' });
    const url = new URL(`${ORIGIN}/one`);
    const options = { timeouts: { connectMs: 1000, totalMs: 1000 } };
    const first = await sendWhole(buildCall({ url, token: 't', apiMethod: 'm', params: {} }), agent, options, 1024);
    url.pathname = '/two';
    url.search = '?x=1';
    const second = await sendWhole(buildCall({ url, token: 't', apiMethod: 'm', params: {} }), agent, options, 1024);
    expect([first.text, second.text]).toEqual(['{"at":"one"}', '{"at":"two"}']);
  });
});
