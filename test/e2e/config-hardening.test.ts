// Issue 13, items 7, 14 and 15: parallel `config set`s all keep their change; a profile that does
// not exist is an error (with the closest name) everywhere but `config set`, which creates it;
// `config delete` removes one; values are checked when set, by the rules of their flags. The
// built CLI, with a recording server to show that nothing is sent.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { useRecordingServer } from '../helpers/server.js';
import { configPath, readConfig } from '../helpers/config.js';

const TOKEN = 'config-hardening-token-0123456789';
const rec = useRecordingServer(() => isolatedEnv());
const configFile = () => configPath(rec.env);
const saved = () => readConfig(rec.env);
const cli = (...args: string[]) => runCli(args, { env: rec.env });

describe('item 7: concurrent config set', () => {
  it('20 parallel "--profile pN config set url" all exit 0 and all 20 are kept', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => runCli(['--profile', `p${i}`, 'config', 'set', 'url', `https://p${i}.example/api`], { env: rec.env, timeoutMs: 60000 })));
    expect(results.map((result) => result.code)).toEqual(Array.from({ length: 20 }, () => 0));
    const profiles = saved().profiles ?? {};
    expect(Object.keys(profiles).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`).sort());
    for (let i = 0; i < 20; i++) expect(profiles[`p${i}`]).toEqual({ url: `https://p${i}.example/api` });
  }, 90000);
});

describe('item 14: unknown profiles', () => {
  it('--profile with a typo is an error with "did you mean", and nothing is sent', async () => {
    expect((await cli('--profile', 'staging', 'config', 'set', 'url', 'https://staging.example/api')).code).toBe(0);
    const env = { ...rec.env, ONEOFFICE_URL: rec.server.url, ONEOFFICE_BEARER: TOKEN };
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '--profile', 'stagign'], { env });
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: --profile: unknown profile "stagign" (did you mean "staging"?); profiles in ${configFile()}: staging\n` });
    expect(rec.server.received).toHaveLength(0);
    // From the environment it is a configuration error.
    const fromEnv = await runCli(['getUserByEmail', '--email', 'a@b.co'], { env: { ...env, ONEOFFICE_PROFILE: 'stagign' } });
    expect([fromEnv.code, fromEnv.stderr]).toEqual([3, `oneoffice: $ONEOFFICE_PROFILE: unknown profile "stagign" (did you mean "staging"?); profiles in ${configFile()}: staging\n`]);
    expect(rec.server.received).toHaveLength(0);
    // "default" exists without being written.
    expect((await runCli(['getUserByEmail', '--email', 'a@b.co', '--profile', 'default'], { env })).code).toBe(0);
  });

  it('config use of an unknown profile is refused and changes nothing; config delete removes one', async () => {
    expect((await cli('config', 'set', 'url', rec.server.url)).code).toBe(0);
    expect((await cli('config', 'set', 'bearer'))).toMatchObject({ code: 2 });
    expect((await runCli(['config', 'set', 'bearer'], { env: rec.env, input: `${TOKEN}\n` })).code).toBe(0);
    expect((await cli('--profile', 'staging', 'config', 'set', 'url', 'https://staging.example/api')).code).toBe(0);

    expect(await cli('config', 'use', 'stagign')).toEqual({ code: 2, stdout: '', stderr: `oneoffice: config use: unknown profile "stagign" (did you mean "staging"?); profiles in ${configFile()}: default, staging\n` });
    expect(saved().defaultProfile).toBeUndefined();
    // Later calls still go where they went.
    expect((await cli('getUserByEmail', '--email', 'a@b.co')).code).toBe(0);
    expect(rec.server.received).toHaveLength(1);

    expect(await cli('config', 'use', 'staging')).toEqual({ code: 0, stdout: '', stderr: `profile "staging" is now the default (${configFile()})\n` });
    expect(await cli('config', 'delete', 'staging')).toEqual({ code: 0, stdout: '', stderr: `deleted profile "staging"; "default" is the default profile again (${configFile()})\n` });
    expect(saved()).toEqual({ profiles: { default: { url: rec.server.url, bearer: TOKEN } } });
    expect(await cli('config', 'delete', 'staging')).toEqual({ code: 2, stdout: '', stderr: `oneoffice: config delete: unknown profile "staging"; profiles in ${configFile()}: default\n` });
    expect((await cli('--profile', 'nope', 'config', 'get', 'url')).code).toBe(2);
    expect((await cli('getUserByEmail', '--email', 'a@b.co')).code).toBe(0);
  });
});

describe('item 15: values are checked when set', () => {
  it.each([
    [['max-time', 'abc'], 'config set max-time: must be a number of seconds above 0 (got "abc")'],
    [['retry', 'many'], 'config set retry: must be a whole number (0 or more) (got "many")'],
    [['cacert', '/nonexistent.pem'], 'config set cacert: cannot read /nonexistent.pem: ENOENT'],
    [['connect-timeout', '0'], 'config set connect-timeout: must be a number of seconds above 0 (got "0")'],
    [['proxy', 'ftp://proxy.example'], 'config set proxy: not a valid http:// or https:// proxy URL'],
    [['schemas', '/nonexistent-dir'], 'config set schemas: cannot read schema directory /nonexistent-dir: ENOENT'],
  ])('config set %j is refused (exit 2) and not stored', async (args, message) => {
    expect((await cli('config', 'set', 'url', rec.server.url)).code).toBe(0);
    const before = readFileSync(configFile(), 'utf8');
    expect(await cli('config', 'set', ...args)).toEqual({ code: 2, stdout: '', stderr: `oneoffice: ${message}\n` });
    expect(readFileSync(configFile(), 'utf8')).toBe(before);
  });

  it('good values are stored (a relative --cacert path made absolute)', async () => {
    expect((await cli('config', 'set', 'max-time', '12.5')).code).toBe(0);
    expect((await cli('config', 'set', 'retry', '3')).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'oneoffice-cacert-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect((await runCli(['config', 'set', 'cacert', 'ca.pem'], { env: rec.env, cwd: dir })).code).toBe(0);
    expect(saved().profiles?.['default']).toEqual({ 'max-time': '12.5', retry: '3', cacert: join(dir, 'ca.pem') });
  });
});
