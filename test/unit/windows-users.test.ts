// What Windows (and PowerShell) users meet, from main() in this process on Linux: --curl for their
// shells with the token read from where it really is (the sh form run by sh against a recording
// server), and files written by Windows tools (a BOM, UTF-16). What needs the built CLI (a printed
// command calling oneoffice back, mock --print, batch input, `~` in path flags) is test/e2e/windows.test.ts.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { writeConfig } from '../helpers/config.js';
import { runMain } from '../helpers/in-process.js';
import { NO_POSIX_SHELL } from '../helpers/platform.js';
import { useRecordingServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import { VERSION } from '../../src/api/request.js';

const TOKEN = 'windows-token-0123456789-c0de';
const rec = useRecordingServer(() => isolatedEnv());
const run = promisify(execFile);
const UA = `oneoffice/${VERSION}`;
const SEED = ['createUser', '--email', 'test1@oneoffice.bh'];
const SEED_BODY = '{"method":"createUser","params":{"email":"test1@oneoffice.bh"}}';

describe('--curl reads the token from where it came from', () => {
  it.skipIf(NO_POSIX_SHELL)('$BEARER (the docs\' variable): the command names BEARER and works with it', async () => {
    const env = { ...rec.env, URL: rec.server.url, BEARER: TOKEN };
    const printed = await runMain([...SEED, '--curl'], env);
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    expect(printed.stdout).toContain('--header "x-api-key: ${BEARER}"');
    await run('sh', ['-c', `${printed.stdout.trim()} -sS -o /dev/null`], { env: { PATH: process.env['PATH'], BEARER: TOKEN } });
    expect(rec.server.received[0]!.headers['x-api-key']).toBe(TOKEN);
  });
  it('--bearer: the command reads ONEOFFICE_BEARER, and a warning says to set it', async () => {
    const printed = await runMain([...SEED, '--url', rec.server.url, '--bearer', TOKEN, '--curl'], rec.env);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('--header "x-api-key: ${ONEOFFICE_BEARER}"');
    expect(printed.stdout).not.toContain(TOKEN);
    expect(printed.stderr).toContain('oneoffice: warning: the token was given with --bearer, so the printed command reads it from ONEOFFICE_BEARER: set that variable before running it\n');
  });
  it('Authorization and Cookie given with -H are masked, with a warning; --show-secrets prints them', async () => {
    const env = { ...rec.env, ONEOFFICE_URL: rec.server.url, ONEOFFICE_BEARER: TOKEN };
    const headers = ['-H', 'Authorization: Bearer abcdefghijklmnop-wxyz', '-H', 'Cookie: session=s3cr3t'];
    const masked = await runMain([...SEED, ...headers, '--curl'], env);
    expect(masked.code).toBe(0);
    expect(masked.stdout).toContain(`--header 'Authorization: ****…wxyz' --header 'Cookie: ****' `);
    expect(masked.stdout).not.toMatch(/s3cr3t|abcdefghijklmnop/);
    expect(masked.stderr).toBe('oneoffice: warning: Authorization, Cookie are masked in this command; add --show-secrets to print a command that sends them\n');
    const shown = await runMain([...SEED, ...headers, '--curl', '--show-secrets'], env);
    expect(shown.stdout).toContain(`--header 'Authorization: Bearer abcdefghijklmnop-wxyz' --header 'Cookie: session=s3cr3t' `);
  });
  it('-H X-Api-Key: the command sends that key, not the token', async () => {
    const env = { ...rec.env, ONEOFFICE_URL: rec.server.url, ONEOFFICE_BEARER: TOKEN };
    const printed = await runMain([...SEED, '-H', 'X-Api-Key: another-key', '--curl', '--show-secrets'], env);
    expect(printed.stdout).toContain(`--header 'X-Api-Key: another-key' `);
    expect(printed.stdout).not.toContain('ONEOFFICE_BEARER');
  });
});

describe('--curl for PowerShell and cmd.exe', () => {
  const env = () => ({ ...rec.env, ONEOFFICE_URL: rec.server.url, ONEOFFICE_BEARER: TOKEN });
  it('powershell: curl.exe, $env:ONEOFFICE_BEARER, single quotes, the body through a file', async () => {
    const printed = await runMain([...SEED, '--display-name', "O'Neil $x", '--curl=powershell'], env());
    expect(printed).toEqual({
      code: 0,
      stdout:
        `$oneofficeBody = New-TemporaryFile; [IO.File]::WriteAllText($oneofficeBody.FullName, '{"method":"createUser","params":{"email":"test1@oneoffice.bh","displayName":"O''Neil $x"}}'); ` +
        `curl.exe -X GET ${rec.server.url} --header "x-api-key: $env:ONEOFFICE_BEARER" --header 'Content-Type: application/json' --header 'Accept: application/json' --header 'User-Agent: ${UA}' --data-binary "@$($oneofficeBody.FullName)"; Remove-Item $oneofficeBody\n`,
      stderr: '',
    });
  });

  it('cmd: curl.exe, %ONEOFFICE_BEARER%, carets before everything cmd would act on', async () => {
    const printed = await runMain([...SEED, '--display-name', 'A & B 100%', '--curl=cmd'], env());
    expect(printed).toEqual({
      code: 0,
      stdout: `curl.exe -X GET ${rec.server.url} --header "x-api-key: %ONEOFFICE_BEARER%" --header ^"Content-Type: application/json^" --header ^"Accept: application/json^" --header ^"User-Agent: ${UA}^" --data ^"{\\^"method\\^":\\^"createUser\\^",\\^"params\\^":{\\^"email\\^":\\^"test1@oneoffice.bh\\^",\\^"displayName\\^":\\^"A ^& B 100^%\\^"}}^"\n`,
      stderr: '',
    });
  });

  it('cmd with the token in the config file: a for /f line reads it first', async () => {
    writeConfig(rec.env, { profiles: { default: { bearer: TOKEN } } });
    const printed = await runMain([...SEED, '--url', rec.server.url, '--curl=cmd'], rec.env);
    expect(printed.stdout).toMatch(/^for \/f "delims=" %t in \('oneoffice config get bearer --show-secrets'\) do @set "ONEOFFICE_BEARER=%t"\ncurl\.exe .* --header "x-api-key: %ONEOFFICE_BEARER%" /);
  });

  it('an unknown shell is a usage error; --help names the choices', async () => {
    expect(await runMain([...SEED, '--curl=fish'], env())).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: --curl: must be sh, powershell or cmd (got "fish")\n' });
    expect(await runMain([...SEED, '--curl', 'cmd'], env())).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: unexpected argument "cmd" (the shell goes with an =: --curl=cmd)\n' });
    expect((await runMain(['createUser', '--help'], env())).stdout).toMatch(/--curl\[=sh\|powershell\|cmd\]\s+print an equivalent curl command for that\s+shell/);
  });
});

describe('files written by Windows tools', () => {
  const BOM = '\uFEFF';
  const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const dir = () => tempDir('win');
  const env = () => ({ ...rec.env, ONEOFFICE_URL: rec.server.url, ONEOFFICE_BEARER: TOKEN });

  it('--params @file with a UTF-8 BOM (Set-Content -Encoding UTF8) is read', async () => {
    const file = join(dir(), 'user.json');
    writeFileSync(file, `${BOM}{"email":"test1@oneoffice.bh"}\r\n`);
    expect((await runMain(['createUser', '--params', `@${file}`], env())).code).toBe(0);
    expect(rec.server.received[0]!.body).toBe(SEED_BODY);
  });
  it('--params @file in UTF-16 (PowerShell 5.1\'s >) says to save it as UTF-8, exit 2, nothing sent', async () => {
    const file = join(dir(), 'user.json');
    writeFileSync(file, utf16('{"email":"test1@oneoffice.bh"}\r\n'));
    expect(await runMain(['createUser', '--params', `@${file}`], env())).toEqual({
      code: 2,
      stdout: '',
      stderr: `oneoffice: --params (${file}) is UTF-16 text (what Windows PowerShell writes with > or Out-File): save it as UTF-8, e.g. with Set-Content -Encoding utf8\n`,
    });
    expect(rec.server.received).toHaveLength(0);
  });
  it('a config file and a user schema with a BOM are read; config set keeps working on such a file', async () => {
    const home = dir();
    const config = join(home, 'config.json');
    writeFileSync(config, `${BOM}{"profiles":{"default":{"url":"${rec.server.url}","bearer":"${TOKEN}"}}}`);
    const schemas = join(home, 'schemas');
    mkdirSync(schemas);
    writeFileSync(join(schemas, 'listOrders.json'), `${BOM}{"type":"object","additionalProperties":false,"properties":{"customer":{"type":"string"}}}`);
    const result = await runMain(['listOrders', '--customer', 'ABC', '--config', config, '--schemas', schemas], rec.env);
    expect(result).toEqual({ code: 0, stdout: '{"ok":true}', stderr: '' });
    expect(rec.server.received[0]!.body).toBe('{"method":"listOrders","params":{"customer":"ABC"}}');
    expect((await runMain(['config', 'set', 'retry', '2', '--config', config], rec.env)).code).toBe(0);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ profiles: { default: { url: rec.server.url, bearer: TOKEN, retry: '2' } } });
  });
  it('a UTF-16 config file is named, with what to do (exit 3, a configuration error)', async () => {
    const config = join(dir(), 'config.json');
    writeFileSync(config, utf16('{}'));
    expect(await runMain([...SEED, '--config', config], env())).toEqual({
      code: 3,
      stdout: '',
      stderr: `oneoffice: config file ${config} is UTF-16 text (what Windows PowerShell writes with > or Out-File): save it as UTF-8, e.g. with Set-Content -Encoding utf8\n`,
    });
  });
});
