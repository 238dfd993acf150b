// -w read and written as the real curl reads and writes it, side by side against one recording
// server: what a script written for curl expects (unknown variables, escapes, @-, the per-call
// variables, %{json}'s keys), and the bounds a format file gets.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { hasProgram } from '../helpers/platform.js';
import { useRecordingServer, type Responder } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const run = promisify(execFile);
const TOKEN = 'write-out-curl-token-0123456789';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));
// CI installs curl (.ci/run): there, a missing curl is a failure, not a skip.
const NO_CURL = !process.env['CI'] && !hasProgram('curl');
const BODY = '{"ok":true}';

/** An answer whose every byte is the same for each client: no Date, two values for one header. */
const steady: Responder = (_request, res) => {
  res.sendDate = false;
  res.writeHead(200, [['Content-Type', 'application/json'], ['X-Multi', 'a'], ['X-Multi', 'b'], ['Content-Length', String(BODY.length)]]);
  res.end(BODY);
};

async function curlWriteOut(format: string, url: string, input?: string): Promise<{ stdout: string; stderr: string }> {
  const args = ['-s', '-o', '/dev/null', '-X', 'GET', '--data', '{}', '-w', format, url];
  if (input === undefined) return run('curl', args);
  return new Promise((resolve, reject) => {
    const child = execFile('curl', args, (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr })));
    child.stdin?.end(input);
  });
}

async function ours(format: string, options: { url?: string; input?: string } = {}) {
  const url = options.url ?? rec.server.url;
  return runCli(['call', 'ping', '--url', url, '-w', format], { env: rec.env, ...(options.input !== undefined ? { input: options.input } : {}) });
}

describe.skipIf(NO_CURL)('-w as curl reads it', () => {
  it('an unknown variable is a warning and the call goes on (exit 0), as curl does', async () => {
    rec.server.respond(steady);
    const format = '[%{bogus}]%{http_code}';
    const curl = await curlWriteOut(format, rec.server.url);
    const result = await ours(format);
    expect(curl.stderr).toBe("curl: unknown --write-out variable: 'bogus'\n");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${BODY}${curl.stdout}`);
    expect(result.stderr).toContain('oneoffice: warning: --write-out: unknown variable %{bogus}, written as nothing');
    expect(rec.server.received).toHaveLength(2);
  });

  it('an unclosed %{, backslashes other than \\n \\r \\t, and a lone % print as curl prints them', async () => {
    rec.server.respond(steady);
    const format = 'a\\\\b \\q \\t 50% %header{x-multi} %{http_code';
    const curl = await curlWriteOut(format, rec.server.url);
    expect(curl.stdout).toBe('a\\\\b \\q \t 50% a %{http_code');
    const result = await ours(format);
    expect(result).toMatchObject({ code: 0, stdout: `${BODY}${curl.stdout}` });
  });

  it('-w @- reads the format from stdin, line breaks dropped and a line cut at a carriage return, as curl does', async () => {
    rec.server.respond(steady);
    const input = 'from\nstdin %{http_code}\\n\r\ncut\rhere\n';
    const curl = await curlWriteOut('@-', rec.server.url, input);
    const result = await ours('@-', { input });
    expect(curl.stdout).toBe('fromstdin 200\ncut');
    expect(result).toEqual({ code: 0, stdout: `${BODY}${curl.stdout}`, stderr: expect.stringContaining('no schema for method "ping"') });
  });

  it('the per-call variables and %header{name} have the values curl gives them for the same answer', async () => {
    rec.server.respond(steady);
    const names = ['http_code', 'method', 'content_type', 'http_version', 'remote_ip', 'remote_port', 'scheme', 'num_headers', 'size_header', 'size_upload', 'num_connects', 'num_redirects', 'redirect_url', 'ssl_verify_result', 'time_redirect', 'url_effective'];
    const format = `${names.map((name) => `${name}=%{${name}}`).join('\\n')}\\nheader=%header{X-Multi}\\n%{header_json}`;
    const url = `http://127.0.0.1:${rec.server.port}`;
    const curl = await curlWriteOut(format, url);
    const result = await ours(format, { url });
    expect(result.code).toBe(0);
    // curl sent {} as its body, oneoffice sent the call: only size_upload may differ.
    const withoutUpload = (text: string) => text.replace(/size_upload=\d+/, 'size_upload=N');
    expect(withoutUpload(result.stdout.slice(BODY.length))).toBe(withoutUpload(curl.stdout));
    expect(curl.stdout).toContain(`url_effective=${url}/\n`);
    expect(result.stdout).toContain(`size_upload=${Buffer.byteLength(rec.server.received.at(-1)!.body)}\n`);
  });

  it('%{url} is the URL as given and url_effective the one used; local_ip, local_port, speeds and time_pretransfer are there', async () => {
    rec.server.respond(steady);
    const url = `http://127.0.0.1:${rec.server.port}`;
    const result = await ours('%{url} %{url_effective} %{local_ip} %{local_port} %{speed_download} %{speed_upload} %{time_pretransfer} %{size_request}', { url });
    const [given, used, localIp, localPort, down, up, pretransfer, request] = result.stdout.slice(BODY.length).split(' ');
    expect([given, used, localIp]).toEqual([url, `${url}/`, '127.0.0.1']);
    expect(Number(localPort)).toBe(rec.server.received.at(-1)!.clientPort);
    for (const value of [down, up, request]) expect(value).toMatch(/^\d+$/);
    expect(pretransfer).toMatch(/^\d+\.\d{6}$/);
    expect(Number(request)).toBeGreaterThan(Buffer.byteLength(rec.server.received.at(-1)!.body));
  });

  it('%{redirect_url} is where a 3xx answer\'s Location leads, resolved against the URL used, as curl prints it (and empty otherwise)', async () => {
    const url = `http://127.0.0.1:${rec.server.port}/api/v1/call?x=1`;
    const answers: Array<[number, string | undefined]> = [
      [301, 'http://elsewhere.example/moved'],
      [302, '/root/path?q=2'],
      [307, 'next/step'],
      [308, '../up%20one'],
      [303, '//other.example:8080/p'],
      [302, undefined],
      [200, '/not-a-redirect'],
    ];
    const printed: Array<{ curl: string; ours: string }> = [];
    for (const [status, location] of answers) {
      rec.server.respond((_request, res) => {
        res.writeHead(status, location === undefined ? {} : { Location: location });
        res.end();
      });
      const curl = await curlWriteOut('[%{redirect_url}]', url);
      const result = await ours('[%{redirect_url}]%{json}', { url });
      const [, text, json] = /\[(.*?)\](\{.*\})$/.exec(result.stdout) ?? [];
      expect(JSON.parse(json!)).toMatchObject({ redirect_url: text === '' ? null : text });
      printed.push({ curl: curl.stdout, ours: `[${text}]` });
    }
    const base = `http://127.0.0.1:${rec.server.port}`;
    expect(printed.map((p) => p.curl)).toEqual(['[http://elsewhere.example/moved]', `[${base}/root/path?q=2]`, `[${base}/api/v1/next/step]`, `[${base}/api/up%20one]`, '[http://other.example:8080/p]', '[]', '[]']);
    expect(printed.map((p) => p.ours)).toEqual(printed.map((p) => p.curl));
  });

  it("%{json} has curl's keys, in curl's order, times with six decimals; only oneoffice's num_retries is not curl's", async () => {
    rec.server.respond(steady);
    const curl = await curlWriteOut('%{json}', rec.server.url);
    const result = await ours('%{json}');
    const text = result.stdout.slice(BODY.length);
    const curlKeys = Object.keys(JSON.parse(curl.stdout) as object);
    const ourKeys = Object.keys(JSON.parse(text) as object);
    expect(ourKeys.filter((key) => !curlKeys.includes(key))).toEqual(['num_retries']);
    expect(ourKeys.filter((key) => key !== 'num_retries')).toEqual(curlKeys.filter((key) => ourKeys.includes(key)));
    const perCall = ['url_effective', 'method', 'content_type', 'http_version', 'remote_ip', 'remote_port', 'local_ip', 'local_port', 'scheme', 'num_headers', 'size_header', 'size_request', 'size_upload', 'speed_download', 'speed_upload', 'time_pretransfer', 'time_redirect', 'num_connects', 'num_redirects', 'redirect_url', 'ssl_verify_result'];
    expect(ourKeys).toEqual(expect.arrayContaining(perCall));
    for (const name of ['time_namelookup', 'time_connect', 'time_appconnect', 'time_pretransfer', 'time_redirect', 'time_starttransfer', 'time_total']) {
      expect(curl.stdout).toMatch(new RegExp(`"${name}":\\d+\\.\\d{6}[,}]`));
      expect(text).toMatch(new RegExp(`"${name}":\\d+\\.\\d{6}[,}]`));
    }
  });
});

describe('-w: secrets and bounds', () => {
  it('%{url}, %{url_effective} and %{json} mask a password inside the URL, as -v and errors do', async () => {
    const url = rec.server.url.replace('http://', 'http://alice:pw-Secret7@');
    const result = await ours('\\n%{url} %{url_effective}\\n%{json}', { url });
    expect(result.code).toBe(0);
    const [, line, json] = result.stdout.split('\n');
    const masked = rec.server.url.replace('http://', 'http://alice:****@');
    expect(line).toBe(`${masked} ${masked}`);
    expect(JSON.parse(json!)).toMatchObject({ url: masked, url_effective: masked });
    expect(result.stdout + result.stderr).not.toContain('pw-Secret7');
  });

  it('-w @/dev/zero is refused after a bounded read (exit 2), and nothing is sent', async () => {
    const result = await ours('@/dev/zero');
    expect(result).toEqual({ code: 2, stdout: '', stderr: expect.stringContaining('oneoffice: --write-out @/dev/zero: larger than 1048576 bytes (1 MiB), more than a format needs\n') });
    expect(rec.server.received).toHaveLength(0);
  });

  it('a UTF-16 format file gets the advice other files get (exit 2), and nothing is sent', async () => {
    const path = join(tempDir('write-out'), 'format.txt');
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('%{http_code}', 'utf16le')]));
    const result = await ours(`@${path}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`oneoffice: --write-out @${path} is UTF-16 text (what Windows PowerShell writes with > or Out-File): save it as UTF-8`);
    expect(rec.server.received).toHaveLength(0);
  });

  it('100,000 unknown variables give one line of warning, and the call goes on', async () => {
    const path = join(tempDir('write-out'), 'format.txt');
    writeFileSync(path, Array.from({ length: 100_000 }, (_, i) => `%{n${i.toString(36)}}`).join('') + '%{http_code}');
    const result = await ours(`@${path}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"ok":true}200');
    const warnings = result.stderr.split('\n').filter((line) => line.includes('--write-out'));
    expect(warnings).toEqual(['oneoffice: warning: --write-out: unknown variables %{n0}, %{n1}, %{n2} and 99997 more, written as nothing (as curl does; see oneoffice --help for the variables)']);
  });

  it('-w @- with --params - is refused: both read stdin (exit 2, nothing sent)', async () => {
    const result = await runCli(['call', 'ping', '--params', '-', '-w', '@-'], { env: rec.env, input: '{}' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--write-out @- and --params - both read stdin');
    expect(rec.server.received).toHaveLength(0);
  });
});

describe('-w: what a server echoes', () => {
  it('%header{name} and %{header_json} mask the token when the server echoes it in a header', async () => {
    rec.server.respond((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': `key ${TOKEN}` });
      res.end('{}');
    });
    const result = await ours('\\n%header{x-echo}\\n%{header_json}');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\nkey ****\n');
    expect(result.stdout).toContain('"x-echo":["key ****"]');
    expect(result.stdout).not.toContain(TOKEN);
  });
});
