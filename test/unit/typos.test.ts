// A user who mistypes gets the word they typed back and a way on (issue 24, item 15): in-process
// through main(), with a real recording server on 127.0.0.1 to show that nothing was sent.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/in-process.js';
import { useRecordingServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const home = tempDir('typos');
const rec = useRecordingServer((server) => ({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: 'typo-token-0123456789' }));

const run = (argv: string[]) => runMain(argv, { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), ...rec.env });

describe('a mistyped word', () => {
  it.each([
    [['version'], 'oneoffice: unknown command or method version (did you mean --version?)\n'],
    [['getUser'], 'oneoffice: unknown command or method getUser (did you mean getUserByEmail?)\n'],
    [['methds'], 'oneoffice: unknown command or method methds (did you mean methods?)\n'],
    [['help', 'nosuch'], 'oneoffice: help: no command or method nosuch (commands: call, batch, test, mock, doctor, methods, config, completion, help; methods: oneoffice methods)\n'],
    [['help', 'creatUser'], 'oneoffice: help: no command or method creatUser (did you mean createUser?)\n'],
    [['-v'], 'oneoffice: unknown option -v (did you mean -V?)\n'],
  ])('%j is refused with the nearest command, method or option (exit 2)', async (argv, stderr) => {
    expect(await run(argv)).toEqual({ code: 2, stdout: '', stderr });
    expect(rec.server.received).toEqual([]);
  });

  it.each([
    [['createUser', '--EMAIL', 'a@b.co'], 'oneoffice: unknown parameter --EMAIL (did you mean --email?)\n'],
    [['createUser', '--email', 'a@b.co', '--Instance', '3'], 'oneoffice: unknown parameter --Instance (did you mean --instance?)\n'],
    [['createUser', '--email', 'a@b.co', '--instanse', '3'], 'oneoffice: unknown parameter --instanse (did you mean --instance?)\n'],
  ])('%j names the flag as it was typed, and the one meant', async (argv, line) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toContain(line.trimEnd());
    expect(rec.server.received).toEqual([]);
  });

  it('call creatUser suggests createUser and sends nothing', async () => {
    const result = await run(['call', 'creatUser', '--params', '{"email":"a@b.co"}']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: call: unknown method creatUser (did you mean createUser?); to send it as it is, add --no-validate\n' });
    expect(rec.server.received).toEqual([]);
  });

  it('call of a method far from every known one is still sent, unvalidated, with a warning', async () => {
    const result = await run(['call', 'listOrders', '--params', '{"customer":"ABC"}']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('oneoffice: warning: no schema for method "listOrders": sending params unvalidated\n');
    expect(rec.server.received.map((request) => JSON.parse(request.body))).toEqual([{ method: 'listOrders', params: { customer: 'ABC' } }]);
  });

  it('call creatUser --no-validate sends it as typed', async () => {
    const result = await run(['call', 'creatUser', '--no-validate', '--params', '{"email":"a@b.co"}']);
    expect(result.code).toBe(0);
    expect(rec.server.received.map((request) => JSON.parse(request.body))).toEqual([{ method: 'creatUser', params: { email: 'a@b.co' } }]);
  });
});
