// -w/--write-out as curl has it: after the body on stdout (or stderr after %{stderr}), also when
// the call failed, against real servers on 127.0.0.1 (plain and https, and through a proxy). In this
// process through main(): nothing here needs a process of its own.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { tempDir, tempFile } from '../helpers/temp.js';
import { inTurn, jsonResponder, refusedPort, useRecordingServer } from '../helpers/server.js';
import { makeCertificate, startHttpsServer } from '../helpers/tls.js';

const TOKEN = 'write-out-token-0123456789';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));
const SECONDS = /^\d+\.\d{6}$/;

describe('-w/--write-out', () => {
  it('writes the status, size, retries, exit code and URL after the body', async () => {
    const result = await runMain(['createUser', '--email', 'a@b.co', '-w', '\\n%{http_code} %{size_download} %{num_retries} %{exitcode} [%{errormsg}] %{url}\\n'], rec.env);
    expect(result).toEqual({ code: 0, stdout: `{"ok":true}\n200 11 0 0 [] ${rec.server.url}\n`, stderr: '' });
  });

  it('writes the timings in seconds, in the order curl takes them', async () => {
    const result = await runMain(['createUser', '--email', 'a@b.co', '--write-out', '%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}'], rec.env);
    expect(result.code).toBe(0);
    const [namelookup, connect, appconnect, starttransfer, total] = result.stdout.slice('{"ok":true}'.length).split(' ');
    for (const value of [namelookup, connect, appconnect, starttransfer, total]) expect(value).toMatch(SECONDS);
    expect(appconnect).toBe('0.000000');
    expect(Number(connect)).toBeGreaterThan(0);
    expect(Number(connect)).toBeLessThanOrEqual(Number(starttransfer));
    expect(Number(starttransfer)).toBeLessThanOrEqual(Number(total));
  });

  it('%{json} has every value; a failed call (400) writes it too, with the exit code and message', async () => {
    rec.server.respond(jsonResponder(400, 'duplicate key'));
    const result = await runMain(['createUser', '--email', 'a@b.co', '-w', '%{json}'], rec.env);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe('oneoffice: server answered 400 Bad Request: duplicate key\n');
    expect(result.stdout.startsWith('"duplicate key"{')).toBe(true);
    const json = JSON.parse(result.stdout.slice('"duplicate key"'.length)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([...Object.keys(json)].sort());
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['http_code', 'response_code', 'time_namelookup', 'time_connect', 'time_appconnect', 'time_starttransfer', 'time_total', 'size_download', 'num_retries', 'exitcode', 'errormsg', 'url']));
    expect(json).toMatchObject({ http_code: 400, size_download: 15, num_retries: 0, exitcode: 4, errormsg: 'server answered 400 Bad Request: duplicate key', url: rec.server.url });
  });

  it('counts retries, and reports the last attempt', async () => {
    rec.server.respond(inTurn(jsonResponder(503, 'busy', { 'retry-after': '0' }), jsonResponder(200, { ok: true })));
    const result = await runMain(['createUser', '--email', 'a@b.co', '--retry', '2', '-w', ' %{http_code} %{num_retries}'], rec.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"ok":true} 200 1');
  });

  it('%{redirect_url} keeps the URL\'s user name but masks its password, as %{url_effective} does; --show-secrets shows it', async () => {
    rec.server.respond((_request, res) => {
      res.writeHead(302, { Location: 'moved' });
      res.end();
    });
    const url = rec.server.url.replace('http://', 'http://alice:pw-Secret7@');
    const masked = await runMain(['createUser', '--email', 'a@b.co', '--url', `${url}api/call`, '-w', '%{redirect_url}\\n'], rec.env);
    expect(masked.stdout).toBe(`${url.replace('pw-Secret7', '****')}api/moved\n`);
    const shown = await runMain(['createUser', '--email', 'a@b.co', '--url', `${url}api/call`, '--show-secrets', '-w', '%{redirect_url}\\n'], rec.env);
    expect(shown.stdout).toBe(`${url}api/moved\n`);
  });

  it('writes 000 and the error when nothing answered (connection refused, exit 6)', async () => {
    const port = await refusedPort();
    const result = await runMain(['createUser', '--email', 'a@b.co', '--url', `http://127.0.0.1:${port}/`, '-w', '%{http_code} %{exitcode} %{errormsg}\\n'], rec.env);
    expect(result).toEqual({
      code: 6,
      stdout: `000 6 cannot connect to 127.0.0.1:${port}: connection refused\n`,
      stderr: `oneoffice: cannot connect to 127.0.0.1:${port}: connection refused\n`,
    });
  });

  it('%{stderr} and %{stdout} switch the stream; %% is a percent sign; \\t a tab', async () => {
    const result = await runMain(['createUser', '--email', 'a@b.co', '-w', '%{stderr}status %{http_code}\\n%{stdout}100%%\\tdone'], rec.env);
    expect(result).toEqual({ code: 0, stdout: '{"ok":true}100%\tdone', stderr: 'status 200\n' });
  });

  it('reads the format from a file with @file, without its line breaks (as curl reads it: \\n writes one)', async () => {
    const path = tempFile('write-out', 'format.txt', 'code=%{http_code}\n\\n');
    const result = await runMain(['createUser', '--email', 'a@b.co', '-w', `@${path}`], rec.env);
    expect(result).toEqual({ code: 0, stdout: '{"ok":true}code=200\n', stderr: '' });
  });

  it('time_appconnect is the TLS handshake for https', async () => {
    const server = await startHttpsServer(makeCertificate());
    try {
      const result = await runMain(['createUser', '--email', 'a@b.co', '--url', server.url, '-k', '-w', '\\n%{time_connect} %{time_appconnect} %{http_code}'], rec.env);
      expect(result.code).toBe(0);
      const [connect, appconnect, code] = result.stdout.split('\n')[1]!.split(' ');
      expect(code).toBe('200');
      expect(Number(appconnect)).toBeGreaterThan(Number(connect));
    } finally {
      server.close();
    }
  });

  it('oneoffice test takes no -w (its steps are reported by --report): its help does not list it, and -w is refused before any step (exit 2)', async () => {
    const help = await runMain(['test', '--help'], rec.env);
    expect(help.code).toBe(0);
    expect(help.stdout).not.toContain('--write-out');
    const dir = tempDir('write-out-test');
    const file = join(dir, 'one.yml');
    writeFileSync(file, 'steps:\n  - call: getUserByEmail\n    params: { email: a@b.co }\n');
    const result = await runMain(['test', file, '-w', '%{bogus}'], rec.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^oneoffice: unknown option -w\n/);
    expect(rec.server.received).toHaveLength(0);
  });
});
