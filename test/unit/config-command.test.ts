// Configuration: the config command, the file it writes, profiles, and which source wins; run in
// this process through main() against a recording server on 127.0.0.1. A configuration error's exit
// code through the real binary is in test/e2e/config.test.ts.
import { statSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { tempDir } from '../helpers/temp.js';
import { startRecordingServer, useRecordingServer, type RecordingServer } from '../helpers/server.js';
import { NO_FILE_MODES } from '../helpers/platform.js';
import { configPath } from '../helpers/config.js';

const TOKEN = 'config-token-0123456789c0de';
const rec = useRecordingServer(() => isolatedEnv());

const configFile = () => configPath(rec.env);

describe('oneoffice config', () => {
  it.skipIf(NO_FILE_MODES)('writes the config file with mode 0600 (on Windows a mode means nothing: the folder\'s permissions apply)', async () => {
    expect((await runMain(['config', 'set', 'url', rec.server.url], rec.env)).code).toBe(0);
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
    const file = join(tempDir('cfg'), 'ci.json');
    expect((await runMain(['config', 'set', 'url', rec.server.url, '--config', file], rec.env)).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('sets, gets, lists and unsets values', async () => {
    expect(await runMain(['config', 'path'], rec.env)).toEqual({ code: 0, stdout: `${configFile()}\n`, stderr: '' });
    expect(await runMain(['config', 'set', 'url', rec.server.url], rec.env)).toEqual({
      code: 0,
      stdout: '',
      stderr: `set url in profile "default" (${configFile()})\n`,
    });
    expect((await runMain(['config', 'set', 'bearer'], rec.env, { input: `${TOKEN}\n` })).code).toBe(0);
    expect(JSON.parse(readFileSync(configFile(), 'utf8'))).toEqual({ profiles: { default: { url: rec.server.url, bearer: TOKEN } } });

    expect(await runMain(['config', 'get', 'url'], rec.env)).toEqual({ code: 0, stdout: `${rec.server.url}\n`, stderr: '' });
    expect(await runMain(['config', 'get', 'bearer'], rec.env)).toEqual({ code: 0, stdout: '****…c0de\n', stderr: '' });
    expect(await runMain(['config', 'get', 'bearer', '--show-secrets'], rec.env)).toEqual({ code: 0, stdout: `${TOKEN}\n`, stderr: '' });
    expect(await runMain(['config', 'list'], rec.env)).toEqual({ code: 0, stdout: `[default] (active)\nurl=${rec.server.url}\nbearer=****…c0de\n`, stderr: '' });

    expect((await runMain(['getUserByEmail', '--email', 'a@b.co'], rec.env)).code).toBe(0);
    expect(rec.server.received[0]!.headers['x-api-key']).toBe(TOKEN);

    expect((await runMain(['config', 'unset', 'bearer'], rec.env)).code).toBe(0);
    expect(await runMain(['config', 'get', 'bearer'], rec.env)).toEqual({ code: 3, stdout: '', stderr: `oneoffice: bearer is not set in profile "default" (${configFile()})\n` });
  });

  it('warns when the token is typed on the command line', async () => {
    const result = await runMain(['config', 'set', 'bearer', TOKEN], rec.env);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('oneoffice: warning: a token typed on the command line stays in your shell history');
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('rejects unknown keys, bad URLs and an empty token without prompting', async () => {
    expect(await runMain(['config', 'set', 'token', 'x'], rec.env)).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: config: unknown key "token" (keys: url, bearer, schemas, connect-timeout, max-time, retry, retry-max-time, retry-delay, proxy, cacert, cert, key, pass-env)\n' });
    expect(await runMain(['config', 'set', 'url', 'not a url'], rec.env)).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: config set url: not a valid URL (got "not a url")\n' });
    expect(await runMain(['config', 'set', 'bearer'], rec.env, { input: '' })).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: config set bearer: empty value\n' });
  });

  it('refuses a token no header can carry (a control character, a newline, a letter beyond Latin-1) in the words a call uses, without quoting it; the file is left as it was', async () => {
    expect((await runMain(['config', 'set', 'bearer'], rec.env, { input: `${TOKEN}\n` })).code).toBe(0);
    const before = readFileSync(configFile(), 'utf8');
    const problem = 'the API token may hold only printable ASCII, tabs and Latin-1 letters (a header carries one byte per character)';
    const refused = { code: 2, stdout: '', stderr: `oneoffice: config set bearer: ${problem}\n` };
    for (const token of ['tok\u0001en-secret', 'tok\u007fen-secret', 'tök€n-secret', 'token-secret\u2028x']) {
      expect(await runMain(['config', 'set', 'bearer'], rec.env, { input: `${token}\n` })).toEqual(refused);
    }
    const typed = await runMain(['config', 'set', 'bearer', 'line-one-secret\nline-two'], rec.env);
    expect(typed.code).toBe(2);
    expect(typed.stderr.endsWith(refused.stderr)).toBe(true);
    expect(typed.stderr).not.toContain('secret');
    expect(readFileSync(configFile(), 'utf8')).toBe(before);
    // The same words as a call given such a token, which exits 3 (the token came from elsewhere).
    expect(await runMain(['getUserByEmail', '--email', 'a@b.co', '--url', rec.server.url], { ...rec.env, ONEOFFICE_BEARER: 'tök€n' })).toEqual({
      code: 3,
      stdout: '',
      stderr: `oneoffice: ${problem}; check where it comes from (--bearer, $ONEOFFICE_BEARER, $BEARER or the config file)\n`,
    });
    expect(rec.server.received).toHaveLength(0);
  });

  it('keeps profiles apart and switches between them', async () => {
    await runMain(['config', 'set', 'url', 'https://prod.example.com/api'], rec.env);
    await runMain(['--profile', 'staging', 'config', 'set', 'url', rec.server.url], rec.env);
    await runMain(['config', 'set', 'bearer', '--profile', 'staging'], rec.env, { input: TOKEN });
    expect((await runMain(['config', 'get', 'url'], rec.env)).stdout).toBe('https://prod.example.com/api\n');
    expect((await runMain(['config', 'get', 'url'], { ...rec.env, ONEOFFICE_PROFILE: 'staging' })).stdout).toBe(`${rec.server.url}\n`);

    expect((await runMain(['getUserByEmail', '--email', 'a@b.co', '--profile', 'staging'], rec.env)).code).toBe(0);
    expect(rec.server.received).toHaveLength(1);

    expect((await runMain(['config', 'use', 'staging'], rec.env)).code).toBe(0);
    expect(await runMain(['config', 'list'], rec.env)).toEqual({
      code: 0,
      stdout: `[default]\nurl=https://prod.example.com/api\n[staging] (active)\nurl=${rec.server.url}\nbearer=****…c0de\n`,
      stderr: '',
    });
    expect((await runMain(['getUserByEmail', '--email', 'a@b.co'], rec.env)).code).toBe(0);
    expect(rec.server.received).toHaveLength(2);
  });

  it('uses another file with --config or ONEOFFICE_CONFIG', async () => {
    const file = join(tempDir('cfg'), 'ci.json');
    expect((await runMain(['config', 'set', 'url', rec.server.url, '--config', file], rec.env)).code).toBe(0);
    expect(await runMain(['config', 'path'], { ...rec.env, ONEOFFICE_CONFIG: file })).toEqual({ code: 0, stdout: `${file}\n`, stderr: '' });
    expect((await runMain(['config', 'get', 'url'], { ...rec.env, ONEOFFICE_CONFIG: file })).stdout).toBe(`${rec.server.url}\n`);
  });

  it('reports an unreadable config file as a configuration error', async () => {
    const file = join(tempDir('cfg'), 'broken.json');
    writeFileSync(file, '{"profiles": ');
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '--url', rec.server.url, '--bearer', TOKEN, '--config', file], rec.env);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`^oneoffice: config file ${file} is not valid JSON: .+\\n$`));
    expect(rec.server.received).toHaveLength(0);
  });
});

describe('where the URL and token come from', () => {
  async function tokenSent(extraEnv: Record<string, string>, args: string[] = []): Promise<string | undefined> {
    rec.server.received.length = 0;
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', ...args], { ...rec.env, ...extraEnv });
    expect(result.stderr).toBe(args.includes('--bearer') ? 'oneoffice: warning: a token given with --bearer is visible to other local users (ps); prefer $ONEOFFICE_BEARER or "oneoffice config set bearer"\n' : '');
    expect(result.code).toBe(0);
    return rec.server.received[0]?.headers['x-api-key'] as string | undefined;
  }

  it('flags, then ONEOFFICE_*, then URL/BEARER, then the config profile', async () => {
    await runMain(['config', 'set', 'url', rec.server.url], rec.env);
    await runMain(['config', 'set', 'bearer'], rec.env, { input: 'from-config' });
    expect(await tokenSent({})).toBe('from-config');
    expect(await tokenSent({ BEARER: 'from-docs-env' })).toBe('from-docs-env');
    expect(await tokenSent({ BEARER: 'from-docs-env', ONEOFFICE_BEARER: 'from-oneoffice-env' })).toBe('from-oneoffice-env');
    expect(await tokenSent({ BEARER: 'from-docs-env', ONEOFFICE_BEARER: 'from-oneoffice-env' }, ['--bearer', 'from-flag'])).toBe('from-flag');
  });

  it('the URL follows the same order', async () => {
    const other = await startRecordingServer();
    try {
      const base = { ONEOFFICE_BEARER: TOKEN };
      await runMain(['config', 'set', 'url', 'http://127.0.0.1:1/unused'], rec.env);
      const layers: Array<[Record<string, string>, string[], RecordingServer]> = [
        [{ ...base, URL: rec.server.url }, [], rec.server],
        [{ ...base, URL: 'http://127.0.0.1:1/unused', ONEOFFICE_URL: other.url }, [], other],
        [{ ...base, ONEOFFICE_URL: 'http://127.0.0.1:1/unused' }, ['--url', rec.server.url], rec.server],
      ];
      for (const [extraEnv, args, expected] of layers) {
        rec.server.received.length = 0;
        other.received.length = 0;
        const result = await runMain(['getUserByEmail', '--email', 'a@b.co', ...args], { ...rec.env, ...extraEnv });
        expect(result.code).toBe(0);
        expect(expected.received).toHaveLength(1);
      }
    } finally {
      await other.close();
    }
  });

  it('names every place it looked when the URL or token is missing', async () => {
    expect(await runMain(['getUserByEmail', '--email', 'a@b.co'], rec.env)).toEqual({
      code: 3,
      stdout: '',
      stderr: `oneoffice: no API URL: looked in --url, $ONEOFFICE_URL, $URL and profile "default" in ${configFile()} (set one, e.g. oneoffice config set url https://...)\n`,
    });
    expect(await runMain(['getUserByEmail', '--email', 'a@b.co', '--url', rec.server.url], rec.env)).toEqual({
      code: 3,
      stdout: '',
      stderr: `oneoffice: no API token: looked in --bearer, $ONEOFFICE_BEARER, $BEARER and profile "default" in ${configFile()} (set one, e.g. oneoffice config set bearer)\n`,
    });
    expect(rec.server.received).toHaveLength(0);
  });
});
