// Profiles and stored values, run in this process through main() against a recording server on
// 127.0.0.1 (issue 13, items 14 and 15): a profile that does not exist is an error (with the closest
// name) everywhere but `config set`, which creates it; `config delete` removes one; values are checked
// when set, by the rules of their flags. Parallel `config set`s (processes sharing the file's lock) and
// a path relative to the working directory stay in test/e2e/config-hardening.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { configPath, readConfig } from '../helpers/config.js';
import { runMain } from '../helpers/in-process.js';
import { useRecordingServer } from '../helpers/server.js';
import { tempFile } from '../helpers/temp.js';

const TOKEN = 'config-hardening-token-0123456789';
const rec = useRecordingServer(() => isolatedEnv());
const configFile = () => configPath(rec.env);
const saved = () => readConfig(rec.env);
// stdin ended and empty, as the process tests had it.
const cli = (...args: string[]) => runMain(args, rec.env, { input: '' });
const call = ['getUserByEmail', '--email', 'a@b.co'];

describe('item 14: unknown profiles', () => {
  it('--profile with a typo is an error with "did you mean", and nothing is sent', async () => {
    expect((await cli('--profile', 'staging', 'config', 'set', 'url', 'https://staging.example/api')).code).toBe(0);
    const env = { ...rec.env, ONEOFFICE_URL: rec.server.url, ONEOFFICE_BEARER: TOKEN };
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '--profile', 'stagign'], env);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: --profile: unknown profile "stagign" (did you mean "staging"?); profiles in ${configFile()}: staging\n` });
    expect(rec.server.received).toHaveLength(0);
    // From the environment it is a configuration error.
    const fromEnv = await runMain(['getUserByEmail', '--email', 'a@b.co'], { ...env, ONEOFFICE_PROFILE: 'stagign' });
    expect([fromEnv.code, fromEnv.stderr]).toEqual([3, `oneoffice: $ONEOFFICE_PROFILE: unknown profile "stagign" (did you mean "staging"?); profiles in ${configFile()}: staging\n`]);
    expect(rec.server.received).toHaveLength(0);
    // "default" exists without being written.
    expect((await runMain(['getUserByEmail', '--email', 'a@b.co', '--profile', 'default'], env)).code).toBe(0);
  });

  it('config use of an unknown profile is refused and changes nothing; config delete removes one', async () => {
    expect((await cli('config', 'set', 'url', rec.server.url)).code).toBe(0);
    expect((await cli('config', 'set', 'bearer'))).toMatchObject({ code: 2 });
    expect((await runMain(['config', 'set', 'bearer'], rec.env, { input: `${TOKEN}\n` })).code).toBe(0);
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
    // The URL parser would drop what is inside: another URL (/ab), another port (3128).
    [['url', 'http://127.0.0.1:9/a\nb'], 'config set url: not a valid URL: it holds a tab or a line break, which would be dropped (got "http://127.0.0.1:9/a\\nb")'],
    [['proxy', 'http://127.0.0.1:31\n28'], 'config set proxy: not a valid http:// or https:// proxy URL'],
  ])('config set %j is refused (exit 2) and not stored', async (args, message) => {
    expect((await cli('config', 'set', 'url', rec.server.url)).code).toBe(0);
    const before = readFileSync(configFile(), 'utf8');
    expect(await cli('config', 'set', ...args)).toEqual({ code: 2, stdout: '', stderr: `oneoffice: ${message}\n` });
    expect(readFileSync(configFile(), 'utf8')).toBe(before);
  });

  it('a URL with a tab or a line break inside is refused from the flags and the environment too, naming where; at either end it is no problem', async () => {
    const env = { ...rec.env, ONEOFFICE_BEARER: TOKEN };
    expect(await runMain([...call, '--url', `${rec.server.url}\tx`], env)).toEqual({ code: 2, stdout: '', stderr: `oneoffice: flag --url: not a valid URL: it holds a tab or a line break, which would be dropped (got "${rec.server.url}\\tx")\n` });
    expect(await runMain(call, { ...env, ONEOFFICE_URL: `${rec.server.url}\r\nx` })).toEqual({ code: 3, stdout: '', stderr: `oneoffice: env ONEOFFICE_URL: not a valid URL: it holds a tab or a line break, which would be dropped (got "${rec.server.url}\\r\\nx")\n` });
    expect(await runMain([...call, '--url', 'http://127.0.0.1:9/x', '--proxy', `http://127.0.0.1:${rec.server.port}\n0`], env)).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: --proxy: not a valid http:// or https:// proxy URL\n' });
    expect(rec.server.received).toHaveLength(0);
    // A line break at the end, as a CRLF file leaves it, is stripped.
    expect((await runMain(call, { ...env, ONEOFFICE_URL: `${rec.server.url}\r\n` })).code).toBe(0);
    expect(rec.server.received.map(({ url }) => url)).toEqual([new URL(rec.server.url).pathname]);
  });

  it('config set schemas reads the schemas as every command would: one there that no command could load is refused (exit 2), and the commands keep working', async () => {
    expect((await cli('config', 'set', 'url', rec.server.url)).code).toBe(0);
    const before = readFileSync(configFile(), 'utf8');
    const dirWith = (name: string, content: string) => dirname(tempFile('schemas', name, content));
    const notJson = dirWith('listThings.json', '{ not json');
    const commandName = dirWith('config.json', '{"type":"object"}');
    const badName = dirWith('list-things.json', '{"type":"object"}');
    expect(await cli('config', 'set', 'schemas', notJson)).toEqual({ code: 2, stdout: '', stderr: `oneoffice: config set schemas: schema ${join(notJson, 'listThings.json')}: not valid JSON: Expected property name or '}' at line 1 column 3\n` });
    expect(await cli('config', 'set', 'schemas', commandName)).toEqual({ code: 2, stdout: '', stderr: `oneoffice: config set schemas: schema ${join(commandName, 'config.json')}: "config" is a oneoffice command; rename the file\n` });
    expect(await cli('config', 'set', 'schemas', badName)).toEqual({ code: 2, stdout: '', stderr: `oneoffice: config set schemas: schema ${join(badName, 'list-things.json')}: the file name must be a method name (letters, digits, _)\n` });
    expect(readFileSync(configFile(), 'utf8')).toBe(before);
    expect(await cli('config', 'get', 'url')).toEqual({ code: 0, stdout: `${rec.server.url}\n`, stderr: '' });
    const good = dirWith('listThings.json', '{"type":"object","description":"Lists things"}');
    expect((await cli('config', 'set', 'schemas', good)).code).toBe(0);
    expect(saved().profiles?.['default']?.['schemas']).toBe(good);
  });

  it('a schemas directory that went bad after it was set stops the calls (exit 3), but not the config commands that mend it', async () => {
    const file = tempFile('schemas', 'listThings.json', '{"type":"object"}');
    expect((await cli('config', 'set', 'url', rec.server.url)).code).toBe(0);
    expect((await cli('config', 'set', 'schemas', dirname(file))).code).toBe(0);
    writeFileSync(file, '{ not json');
    const broken = `oneoffice: schema ${file}: not valid JSON: Expected property name or '}' at line 1 column 3\n`;
    const env = { ...rec.env, ONEOFFICE_BEARER: TOKEN };
    expect(await runMain(['getUserByEmail', '--email', 'a@b.co'], env)).toEqual({ code: 3, stdout: '', stderr: broken });
    expect(await cli('config', 'get', 'schemas')).toEqual({ code: 0, stdout: `${dirname(file)}\n`, stderr: '' });
    expect((await cli('config', '--help')).code).toBe(0);
    expect(await cli('config', 'unset', 'schemas')).toEqual({ code: 0, stdout: '', stderr: `unset schemas in profile "default" (${configFile()})\n` });
    expect((await runMain(['getUserByEmail', '--email', 'a@b.co'], env)).code).toBe(0);
    expect(rec.server.received).toHaveLength(1);
  });
});
