// Configuration: the config command, the file it writes, profiles, and which source wins.
import { mkdtempSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { startRecordingServer, useRecordingServer, type RecordingServer } from '../helpers/server.js';
import { NO_FILE_MODES } from '../helpers/platform.js';
import { configPath } from '../helpers/config.js';

const TOKEN = 'config-token-0123456789c0de';
const rec = useRecordingServer(() => isolatedEnv());


const configFile = () => configPath(rec.env);

describe('oneoffice config', () => {
  it.skipIf(NO_FILE_MODES)('writes the config file with mode 0600 (on Windows a mode means nothing: the folder\'s permissions apply)', async () => {
    expect((await runCli(['config', 'set', 'url', rec.server.url], { env: rec.env })).code).toBe(0);
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
    const file = join(mkdtempSync(join(tmpdir(), 'oneoffice-cfg-')), 'ci.json');
    expect((await runCli(['config', 'set', 'url', rec.server.url, '--config', file], { env: rec.env })).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('sets, gets, lists and unsets values', async () => {
    expect(await runCli(['config', 'path'], { env: rec.env })).toEqual({ code: 0, stdout: `${configFile()}\n`, stderr: '' });
    expect(await runCli(['config', 'set', 'url', rec.server.url], { env: rec.env })).toEqual({
      code: 0,
      stdout: '',
      stderr: `set url in profile "default" (${configFile()})\n`,
    });
    expect((await runCli(['config', 'set', 'bearer'], { env: rec.env, input: `${TOKEN}\n` })).code).toBe(0);
    expect(JSON.parse(readFileSync(configFile(), 'utf8'))).toEqual({ profiles: { default: { url: rec.server.url, bearer: TOKEN } } });

    expect(await runCli(['config', 'get', 'url'], { env: rec.env })).toEqual({ code: 0, stdout: `${rec.server.url}\n`, stderr: '' });
    expect(await runCli(['config', 'get', 'bearer'], { env: rec.env })).toEqual({ code: 0, stdout: '****…c0de\n', stderr: '' });
    expect(await runCli(['config', 'get', 'bearer', '--show-secrets'], { env: rec.env })).toEqual({ code: 0, stdout: `${TOKEN}\n`, stderr: '' });
    expect(await runCli(['config', 'list'], { env: rec.env })).toEqual({ code: 0, stdout: `[default] (active)\nurl=${rec.server.url}\nbearer=****…c0de\n`, stderr: '' });

    expect((await runCli(['getUserByEmail', '--email', 'a@b.co'], { env: rec.env })).code).toBe(0);
    expect(rec.server.received[0]!.headers['x-api-key']).toBe(TOKEN);

    expect((await runCli(['config', 'unset', 'bearer'], { env: rec.env })).code).toBe(0);
    expect(await runCli(['config', 'get', 'bearer'], { env: rec.env })).toEqual({ code: 3, stdout: '', stderr: `oneoffice: bearer is not set in profile "default" (${configFile()})\n` });
  });

  it('warns when the token is typed on the command line', async () => {
    const result = await runCli(['config', 'set', 'bearer', TOKEN], { env: rec.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('oneoffice: warning: a token typed on the command line stays in your shell history');
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('rejects unknown keys, bad URLs and an empty token without prompting', async () => {
    expect(await runCli(['config', 'set', 'token', 'x'], { env: rec.env })).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: config: unknown key "token" (keys: url, bearer, schemas, connect-timeout, max-time, retry, retry-max-time, retry-delay, proxy, cacert, cert, key, pass-env)\n' });
    expect(await runCli(['config', 'set', 'url', 'not a url'], { env: rec.env })).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: config set url: not a valid URL (got "not a url")\n' });
    expect(await runCli(['config', 'set', 'bearer'], { env: rec.env, input: '' })).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: config set bearer: empty value\n' });
  });

  it('keeps profiles apart and switches between them', async () => {
    await runCli(['config', 'set', 'url', 'https://prod.example.com/api'], { env: rec.env });
    await runCli(['--profile', 'staging', 'config', 'set', 'url', rec.server.url], { env: rec.env });
    await runCli(['config', 'set', 'bearer', '--profile', 'staging'], { env: rec.env, input: TOKEN });
    expect((await runCli(['config', 'get', 'url'], { env: rec.env })).stdout).toBe('https://prod.example.com/api\n');
    expect((await runCli(['config', 'get', 'url'], { env: { ...rec.env, ONEOFFICE_PROFILE: 'staging' } })).stdout).toBe(`${rec.server.url}\n`);

    expect((await runCli(['getUserByEmail', '--email', 'a@b.co', '--profile', 'staging'], { env: rec.env })).code).toBe(0);
    expect(rec.server.received).toHaveLength(1);

    expect((await runCli(['config', 'use', 'staging'], { env: rec.env })).code).toBe(0);
    expect(await runCli(['config', 'list'], { env: rec.env })).toEqual({
      code: 0,
      stdout: `[default]\nurl=https://prod.example.com/api\n[staging] (active)\nurl=${rec.server.url}\nbearer=****…c0de\n`,
      stderr: '',
    });
    expect((await runCli(['getUserByEmail', '--email', 'a@b.co'], { env: rec.env })).code).toBe(0);
    expect(rec.server.received).toHaveLength(2);
  });

  it('uses another file with --config or ONEOFFICE_CONFIG', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oneoffice-cfg-')), 'ci.json');
    expect((await runCli(['config', 'set', 'url', rec.server.url, '--config', file], { env: rec.env })).code).toBe(0);
    expect(await runCli(['config', 'path'], { env: { ...rec.env, ONEOFFICE_CONFIG: file } })).toEqual({ code: 0, stdout: `${file}\n`, stderr: '' });
    expect((await runCli(['config', 'get', 'url'], { env: { ...rec.env, ONEOFFICE_CONFIG: file } })).stdout).toBe(`${rec.server.url}\n`);
  });

  it('reports an unreadable config file as a configuration error', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oneoffice-cfg-')), 'broken.json');
    writeFileSync(file, '{"profiles": ');
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '--url', rec.server.url, '--bearer', TOKEN, '--config', file], { env: rec.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`^oneoffice: config file ${file} is not valid JSON: .+\\n$`));
    expect(rec.server.received).toHaveLength(0);
  });
});

describe('where the URL and token come from', () => {
  async function tokenSent(extraEnv: Record<string, string>, args: string[] = []): Promise<string | undefined> {
    rec.server.received.length = 0;
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co', ...args], { env: { ...rec.env, ...extraEnv } });
    expect(result.stderr).toBe(args.includes('--bearer') ? 'oneoffice: warning: a token given with --bearer is visible to other local users (ps); prefer $ONEOFFICE_BEARER or "oneoffice config set bearer"\n' : '');
    expect(result.code).toBe(0);
    return rec.server.received[0]?.headers['x-api-key'] as string | undefined;
  }

  it('flags, then ONEOFFICE_*, then URL/BEARER, then the config profile', async () => {
    await runCli(['config', 'set', 'url', rec.server.url], { env: rec.env });
    await runCli(['config', 'set', 'bearer'], { env: rec.env, input: 'from-config' });
    expect(await tokenSent({})).toBe('from-config');
    expect(await tokenSent({ BEARER: 'from-docs-env' })).toBe('from-docs-env');
    expect(await tokenSent({ BEARER: 'from-docs-env', ONEOFFICE_BEARER: 'from-oneoffice-env' })).toBe('from-oneoffice-env');
    expect(await tokenSent({ BEARER: 'from-docs-env', ONEOFFICE_BEARER: 'from-oneoffice-env' }, ['--bearer', 'from-flag'])).toBe('from-flag');
  });

  it('the URL follows the same order', async () => {
    const other = await startRecordingServer();
    try {
      const base = { ONEOFFICE_BEARER: TOKEN };
      await runCli(['config', 'set', 'url', 'http://127.0.0.1:1/unused'], { env: rec.env });
      const layers: Array<[Record<string, string>, string[], RecordingServer]> = [
        [{ ...base, URL: rec.server.url }, [], rec.server],
        [{ ...base, URL: 'http://127.0.0.1:1/unused', ONEOFFICE_URL: other.url }, [], other],
        [{ ...base, ONEOFFICE_URL: 'http://127.0.0.1:1/unused' }, ['--url', rec.server.url], rec.server],
      ];
      for (const [extraEnv, args, expected] of layers) {
        rec.server.received.length = 0;
        other.received.length = 0;
        const result = await runCli(['getUserByEmail', '--email', 'a@b.co', ...args], { env: { ...rec.env, ...extraEnv } });
        expect(result.code).toBe(0);
        expect(expected.received).toHaveLength(1);
      }
    } finally {
      await other.close();
    }
  });

  it('names every place it looked when the URL or token is missing', async () => {
    expect(await runCli(['getUserByEmail', '--email', 'a@b.co'], { env: rec.env })).toEqual({
      code: 3,
      stdout: '',
      stderr: `oneoffice: no API URL: looked in --url, $ONEOFFICE_URL, $URL and profile "default" in ${configFile()} (set one, e.g. oneoffice config set url https://...)\n`,
    });
    expect(await runCli(['getUserByEmail', '--email', 'a@b.co', '--url', rec.server.url], { env: rec.env })).toEqual({
      code: 3,
      stdout: '',
      stderr: `oneoffice: no API token: looked in --bearer, $ONEOFFICE_BEARER, $BEARER and profile "default" in ${configFile()} (set one, e.g. oneoffice config set bearer)\n`,
    });
    expect(rec.server.received).toHaveLength(0);
  });
});
