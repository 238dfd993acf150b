// What Windows (and PowerShell) users meet that needs the built CLI, exercised here on Linux: a
// printed curl command that calls oneoffice back for the token, mock --print, batch input written by
// Windows tools (a BOM, UTF-16), `~` in path flags. The rest (--curl for each shell, files with a BOM
// or in UTF-16) runs in-process: test/unit/windows-users.test.ts.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, runCli } from '../helpers/cli.js';
import { killMockProcesses, startMockProcess } from '../helpers/mock-process.js';
import { NO_POSIX_SHELL, NO_POSIX_SIGNALS } from '../helpers/platform.js';
import { useRecordingServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import { makeCertificate } from '../helpers/tls.js';

const TOKEN = 'windows-token-0123456789-c0de';
const rec = useRecordingServer(() => isolatedEnv());
const run = promisify(execFile);
const UA = 'oneoffice/0.1.0';
const SEED = ['createUser', '--email', 'test1@oneoffice.bh'];
const SEED_BODY = '{"method":"createUser","params":{"email":"test1@oneoffice.bh"}}';

afterEach(killMockProcesses);

/** A directory with an `oneoffice` command on it (the built CLI), as `npm i -g` would give. */
function binDir(): string {
  const dir = tempDir('bin');
  writeFileSync(join(dir, 'oneoffice'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(dir, 'oneoffice'), 0o755);
  return dir;
}

describe('--curl reads the token from where it came from', () => {

  it.skipIf(NO_POSIX_SHELL)('the config file: the command reads it with oneoffice config get, for the same profile', async () => {
    const env = rec.env;
    expect((await runCli(['--profile', 'staging', 'config', 'set', 'url', rec.server.url], { env })).code).toBe(0);
    expect((await runCli(['--profile', 'staging', 'config', 'set', 'bearer'], { env, input: TOKEN })).code).toBe(0);
    const printed = await runCli([...SEED, '--profile', 'staging', '--curl'], { env });
    expect(printed).toEqual({
      code: 0,
      stdout: `curl -X GET ${rec.server.url} --header "x-api-key: $(oneoffice --profile staging config get bearer --show-secrets)" --header 'Content-Type: application/json' --header 'Accept: application/json' --header 'User-Agent: ${UA}' --data '${SEED_BODY}'\n`,
      stderr: '',
    });
    await run('sh', ['-c', `${printed.stdout.trim()} -sS -o /dev/null`], { env: { ...env, PATH: `${binDir()}:${process.env['PATH']}` } });
    expect(rec.server.received[0]!.headers['x-api-key']).toBe(TOKEN);
  });



});

describe('mock --print', () => {
  /** Starts the mock, takes the first line it prints, stops it. */
  async function firstLine(args: string[]): Promise<{ line: string; pid: number }> {
    const child = spawn(process.execPath, [BIN, 'mock', '--port', '0', '--quiet', ...args], { env: isolatedEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    let out = '';
    for await (const chunk of child.stdout.setEncoding('utf8')) {
      out += chunk as string;
      if (out.includes('\n')) break;
    }
    child.kill('SIGKILL');
    await exited;
    return { line: out.split('\n')[0] as string, pid: child.pid as number };
  }

  it.each([
    ['powershell', /^\$env:ONEOFFICE_URL = 'http:\/\/127\.0\.0\.1:\d+\/'; \$env:ONEOFFICE_BEARER = 'it''s\$x'$/],
    ['cmd', /^set "ONEOFFICE_URL=http:\/\/127\.0\.0\.1:\d+\/" & set "ONEOFFICE_BEARER=it's\$x"$/],
    ['json', /^\{"url":"http:\/\/127\.0\.0\.1:\d+\/","token":"it's\$x","pid":\d+\}$/],
  ])('%s', async (format, expected) => {
    const { line, pid } = await firstLine(['--token', "it's$x", '--print', format]);
    expect(line).toMatch(expected);
    if (format === 'json') expect(JSON.parse(line).pid).toBe(pid);
  });

  it('cmd: a token holding " or % is written with carets', async () => {
    const { line } = await firstLine(['--token', 'a"b%PATH%&c', '--print', 'cmd']);
    expect(line).toMatch(/^set "ONEOFFICE_URL=http:\/\/127\.0\.0\.1:\d+\/" & set ONEOFFICE_BEARER=a\^"b\^%PATH\^%\^&c$/);
  });

  it('sh is the default off Windows; a bad format is a usage error', async () => {
    const mock = await startMockProcess(['--port', '0', '--token', 'dev-token', '--quiet']);
    expect(mock.startLine).toMatch(/^export ONEOFFICE_URL=http:\/\/127\.0\.0\.1:\d+\/ ONEOFFICE_BEARER=dev-token$/);
    expect(await runCli(['mock', '--print', 'fish'])).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: mock: option \'--print <format>\' argument \'fish\' is invalid. must be one of sh, powershell, cmd, json\n' });
    expect((await runCli(['mock', '--help'])).stdout).toContain('--print <format>');
  });

  it.skipIf(NO_POSIX_SIGNALS)('SIGHUP (a closed terminal) stops the mock cleanly', async () => {
    const mock = await startMockProcess(['--port', '0', '--token', 'dev-token']);
    expect(await mock.stop('SIGHUP')).toBe(0);
    expect(mock.stderr()).toBe(`oneoffice mock: serving ${mock.url}; Ctrl-C stops it\noneoffice mock: stopped\n`);
  });
});

describe('files written by Windows tools', () => {
  const BOM = '\uFEFF';
  const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const dir = () => tempDir('win');
  const env = () => ({ ...rec.env, ONEOFFICE_URL: rec.server.url, ONEOFFICE_BEARER: TOKEN });





  it('batch: NDJSON and CSV with a BOM and CRLF lines are sent; UTF-16 input is refused (exit 2), nothing sent', async () => {
    const d = dir();
    writeFileSync(join(d, 'in.ndjson'), `${BOM}${JSON.stringify({ method: 'createUser', params: { email: 'a@b.co' } })}\r\n`);
    writeFileSync(join(d, 'in.csv'), `${BOM}email,displayName\r\nb@b.co,B\r\n`);
    expect((await runCli(['batch', join(d, 'in.ndjson')], { env: env() })).code).toBe(0);
    expect((await runCli(['batch', join(d, 'in.csv'), '--method', 'createUser'], { env: env() })).code).toBe(0);
    expect(rec.server.received.map((request) => request.body)).toEqual(['{"method":"createUser","params":{"email":"a@b.co"}}', '{"method":"createUser","params":{"email":"b@b.co","displayName":"B"}}']);

    writeFileSync(join(d, 'wide.ndjson'), utf16(`${JSON.stringify({ method: 'createUser', params: { email: 'c@b.co' } })}\r\n`));
    writeFileSync(join(d, 'wide.csv'), Buffer.from('email\r\nc@b.co\r\n', 'utf16le'));
    for (const [file, extra] of [['wide.ndjson', []], ['wide.csv', ['--method', 'createUser']]] as const) {
      expect(await runCli(['batch', join(d, file), ...extra], { env: env() })).toEqual({
        code: 2,
        stdout: '',
        stderr: `oneoffice: batch: ${join(d, file)} is UTF-16 text (what Windows PowerShell writes with > or Out-File): save it as UTF-8, e.g. with Set-Content -Encoding utf8\n`,
      });
    }
    const piped = await runCli(['batch', '-'], { env: env(), input: utf16('{}\n').toString('latin1') });
    expect(piped.code).toBe(2);
    expect(rec.server.received).toHaveLength(2);
  });
});

describe('~ in path flags (cmd.exe and PowerShell pass it as typed)', () => {
  it('--config, --schemas, --results and --cacert starting with ~/ are under the home directory', async () => {
    const env: Record<string, string> = { ...rec.env, ONEOFFICE_URL: rec.server.url, ONEOFFICE_BEARER: TOKEN };
    const home = env['HOME'] as string;
    expect(await runCli(['config', 'path', '--config', '~/ci/config.json'], { env })).toEqual({ code: 0, stdout: `${join(home, 'ci', 'config.json')}\n`, stderr: '' });
    mkdirSync(join(home, 'schemas'));
    writeFileSync(join(home, 'schemas', 'listOrders.json'), '{"type":"object"}');
    expect((await runCli(['listOrders', '--schemas', '~/schemas'], { env })).code).toBe(0);
    writeFileSync(join(home, 'in.ndjson'), `${JSON.stringify({ method: 'createUser', params: { email: 'a@b.co' } })}\n`);
    expect((await runCli(['batch', '~/in.ndjson', '--results', '~/out.ndjson'], { env })).code).toBe(0);
    expect(existsSync(join(home, 'out.ndjson'))).toBe(true);
    const certificate = makeCertificate();
    writeFileSync(join(home, 'ca.pem'), readFileSync(certificate.certPath));
    const printed = await runCli([...SEED, '--cacert', '~/ca.pem', '--curl'], { env });
    expect(printed.stdout).toContain(` --cacert ${join(home, 'ca.pem')} `);
  });
});

