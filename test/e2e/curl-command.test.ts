// --curl prints a command that sends what oneoffice sends, byte for byte, in the cases a plain
// quoted argument cannot carry: a removed Content-Type, a Latin-1 header value, a body larger than
// one argument may be (300 KB), and the time, retry and TLS settings. Each command is run by the
// real shells (sh, bash, dash, zsh) with the real curl against a recording server; the Windows
// dialects' text is checked here (they are run under Wine by the Windows lane).
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { hasProgram, NO_POSIX_SHELL } from '../helpers/platform.js';
import { useRecordingServer, type Received } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const TOKEN = 'curl-command-token-0123456789';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));
// CI installs curl, bash, dash and zsh (.ci/run): there, a missing one is a failure, not a skip.
const NO_CURL = NO_POSIX_SHELL || (!process.env['CI'] && !hasProgram('curl'));
const SHELLS = ['sh', 'bash', 'dash', 'zsh'].filter((shell) => process.env['CI'] || spawnSync(shell, ['-c', 'exit 0']).status === 0);

/** Runs a script read from stdin (a 300 KB command would not fit in `sh -c`'s one argument either). */
function runShell(shell: string, script: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, ['-s'], { env: { PATH: process.env['PATH'], ONEOFFICE_BEARER: TOKEN }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(script);
  });
}

/** What a request carried, but for the client's port and how the connection was kept. */
function significant(request: Received) {
  return {
    method: request.method,
    url: request.url,
    body: request.body,
    headers: request.rawHeaders.filter(([name]) => name.toLowerCase() !== 'connection').map(([name, value]) => [name.toLowerCase(), value]).sort(),
  };
}

function bigParams(): string {
  const dir = tempDir('curl-command');
  const path = join(dir, 'params.json');
  writeFileSync(path, JSON.stringify({ note: 'é😀\'"$(id)`'.repeat(2).concat('x'.repeat(300_000)) }));
  return path;
}

describe.skipIf(NO_CURL)('--curl run by the real shells sends what oneoffice sends', () => {
  const cases: Array<[string, () => string[]]> = [
    ['a removed Content-Type stays removed', () => ['getUserByEmail', '--email', 'a@b.co', '-H', 'Content-Type:']],
    ['a Latin-1 header value arrives as the same bytes', () => ['getUserByEmail', '--email', 'a@b.co', '-H', 'X-Name: café Ünïcode ¿', '-H', 'X-Odd: 50% \\x41 \'q\'']],
    ['a 300 KB body goes through stdin, not one argument', () => ['call', 'anyMethod', '--params', `@${bigParams()}`]],
    ['time and retry settings are carried', () => ['getUserByEmail', '--email', 'a@b.co', '--max-time', '7', '--connect-timeout', '3', '--retry', '1']],
  ];
  it.each(cases)('%s', async (_name, makeArgs) => {
    const args = makeArgs();
    const printed = await runCli([...args, '--curl=sh'], { env: rec.env });
    expect(printed.code).toBe(0);
    expect(rec.server.received).toHaveLength(0);
    for (const shell of SHELLS) {
      const ran = await runShell(shell, `${printed.stdout.trim()} -sS -o /dev/null\n`);
      expect({ shell, ...ran }).toEqual({ shell, code: 0, stderr: '' });
    }
    expect(rec.server.received).toHaveLength(SHELLS.length);
    const sent = await runCli(args, { env: rec.env });
    expect(sent.code).toBe(0);
    const ours = significant(rec.server.received.at(-1)!);
    for (const fromCurl of rec.server.received.slice(0, -1)) expect(significant(fromCurl)).toEqual(ours);
  });
});

describe.skipIf(NO_CURL)('--curl with a user name and password in the URL', () => {
  it.each([[[]], [['--show-secrets']]])('the printed command sends no Authorization, as oneoffice sends none (%j)', async (extra) => {
    const url = rec.server.url.replace('http://', 'http://alice:pw-Secret7@');
    const args = ['getUserByEmail', '--email', 'a@b.co', '--url', url, ...extra];
    const printed = await runCli([...args, '--curl=sh'], { env: rec.env });
    expect(printed.code).toBe(0);
    expect(printed.stdout).not.toContain('alice');
    const ran = await runShell('sh', `${printed.stdout.trim()} -sS -o /dev/null\n`);
    expect(ran).toEqual({ code: 0, stderr: '' });
    const sent = await runCli(args, { env: rec.env });
    expect(sent.code).toBe(0);
    expect(rec.server.received).toHaveLength(2);
    const [fromCurl, ours] = rec.server.received.map(significant);
    expect(ours!.headers.map(([name]) => name)).not.toContain('authorization');
    expect(fromCurl).toEqual(ours);
  });
});

describe('--curl carries the settings oneoffice would use', () => {
  it('--max-time, --connect-timeout and, for a read, --retry with its delay and limit', async () => {
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '--max-time', '7', '--connect-timeout', '2.5', '--retry', '3', '--retry-delay', '1', '--retry-max-time', '20', '--curl=sh'], { env: rec.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(' --connect-timeout 2.5 --max-time 7 --retry 3 --retry-delay 1 --retry-max-time 20 --data ');
  });

  it('a read retries twice by default, as oneoffice does; a create is never given --retry (curl would send it again after a timeout)', async () => {
    const read = await runCli(['getUserByEmail', '--email', 'a@b.co', '--curl=sh'], { env: rec.env });
    expect(read.stdout).toContain(' --retry 2 --data ');
    const create = await runCli(['createUser', '--email', 'a@b.co', '--retry', '3', '--max-time', '9', '--curl=sh'], { env: rec.env });
    expect(create.stdout).toContain(' --max-time 9 --data ');
    expect(create.stdout).not.toContain('--retry');
  });

  it('--proxy, --cacert and -k are carried', async () => {
    const dir = tempDir('curl-command');
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const result = await runCli(['createUser', '--email', 'a@b.co', '--proxy', 'http://127.0.0.1:3128', '--cacert', ca, '-k', '--curl=sh'], { env: rec.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(` --cacert ${ca} -k --proxy http://127.0.0.1:3128/ `);
  });
});

describe('--curl=cmd and --curl=powershell are pure ASCII', () => {
  const params = { name: 'Zoë café ☕ 😀', note: 'plain' };

  it.each(['cmd', 'powershell'])('--curl=%s: non-ASCII characters are \\uXXXX escapes, the same JSON value', async (dialect) => {
    const result = await runCli(['call', 'anyMethod', '--params', JSON.stringify(params), '--curl=' + dialect], { env: rec.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\x00-\x7f]*$/);
    expect(result.stdout).toContain('Zo\\u00eb caf\\u00e9 \\u2615 \\ud83d\\ude00');
    const json = dialect === 'cmd' ? /--data "(.*)"\n$/.exec(result.stdout.replace(/\^(.)/g, '$1'))![1]!.replace(/\\"/g, '"') : /WriteAllText\(\$oneofficeBody\.FullName, '(.*)'\);/.exec(result.stdout)![1]!.replace(/''/g, "'");
    expect(JSON.parse(json)).toEqual({ method: 'anyMethod', params });
  });

  it.each(['cmd', 'powershell'])('--curl=%s: a Latin-1 header value is written to a file from base64, byte for byte', async (dialect) => {
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '-H', 'X-Name: café', '--curl=' + dialect], { env: rec.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\x00-\x7f]*$/);
    const base64 = dialect === 'cmd' ? [...result.stdout.matchAll(/oneoffice-header1\.txt\.b64" echo (\S+)/g)].map((m) => m[1]).join('') : /FromBase64String\('([^']+)'\)/.exec(result.stdout)![1]!;
    expect(Buffer.from(base64, 'base64')).toEqual(Buffer.from('X-Name: café', 'latin1'));
  });

  it('--curl=cmd: a body longer than a cmd line is written as base64 lines that certutil decodes to the same bytes', async () => {
    const result = await runCli(['call', 'anyMethod', '--params', `@${bigParams()}`, '--curl=cmd'], { env: rec.env });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(8191);
    expect(result.stdout).toMatch(/^[\x00-\x7f]*$/);
    const base64 = lines.filter((line) => line.includes('oneoffice-body.json.b64" echo ')).map((line) => line.split(' echo ')[1]).join('');
    const body = Buffer.from(base64, 'base64').toString('utf8');
    const sent = await runCli(['call', 'anyMethod', '--params', `@${bigParams()}`, '--dry-run'], { env: rec.env });
    expect(JSON.parse(body)).toEqual(JSON.parse(sent.stdout.slice(sent.stdout.indexOf('\n\n') + 2)));
    expect(lines).toContain('certutil -f -decode "%TEMP%\\oneoffice-body.json.b64" "%TEMP%\\oneoffice-body.json" >nul');
    expect(lines.find((line) => line.startsWith('curl.exe '))).toMatch(/ --data-binary "@%TEMP%\\oneoffice-body\.json"$/);
    expect(lines.at(-1)).toBe('del "%TEMP%\\oneoffice-body.json.b64" "%TEMP%\\oneoffice-body.json"');
  });
});
