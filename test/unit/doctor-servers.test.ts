// `oneoffice doctor` as a user runs it, from main() in this process against real servers on 127.0.0.1
// (the mock, https servers with a self-signed and an expired certificate, a closed port, tinyproxy),
// asserting the lines, the exit code, and that the token is never printed. Nothing here needs a process
// of its own: the exit codes themselves are the process's in every other end-to-end test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { useMock } from '../helpers/mock-server.js';
import { refusedPort } from '../helpers/server.js';
import { makeCa, makeCertificate, makeExpiredCertificate, makeSignedCertificate, startHttpsServer, startMutualTlsServer } from '../helpers/tls.js';
import { startTinyproxy, tinyproxyAvailable } from '../helpers/tinyproxy.js';

const TOKEN = 'doctor-test-token-0123456789abcdef';
const mock = useMock({ token: TOKEN });

const doctor = (args: string[], env: Record<string, string | undefined> = {}) => runMain(['doctor', ...args], isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: TOKEN, ...env }));

/**
 * The report with what changes from run to run (Node's version, ports, times, the home) made fixed.
 * The home is wherever the temporary directory is: under the run's own folder with npm test's global
 * setup, straight under /tmp (or any $TMPDIR) in the mutation run's config, which has no such setup.
 */
function stable(text: string): string {
  return text
    .replace(/Node \d+\.\d+\.\d+/, 'Node X')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
    .replace(/round trip \d+ ms/, 'round trip N ms')
    .replace(/(?:\/[^\s/()]+)*\/oneoffice-home-\w+/g, 'HOME')
    .replace(/expires in \d+ days?/, 'expires in N days');
}

describe('oneoffice doctor', () => {
  it('passes against the local mock: every check on one line, exit 0, the token never printed', async () => {
    const result = await doctor([]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(stable(result.stdout)).toBe(`ok    node       Node X
ok    config     no config file (HOME/.config/oneoffice/config.json): settings from flags and the environment
warn  completion not installed -> oneoffice completion --help shows how
ok    url        http://127.0.0.1:PORT/ (from $ONEOFFICE_URL)
ok    token      from $ONEOFFICE_BEARER: ${TOKEN.length} characters
ok    proxy      none
ok    dns        127.0.0.1 is an IP address
ok    connect    127.0.0.1:PORT
skip  tls        plain http:// (loopback only)
ok    auth       token accepted (the test user is unknown, as expected: 400)
ok    clock      the server's clock and ours agree (within 60 s)
ok    answer     round trip N ms; as documented
all checks passed, 1 warning
`);
    expect(result.stdout).not.toContain(TOKEN);
  });

  it('a wrong token: the auth check fails, exit 4, and neither token is printed', async () => {
    const wrong = 'wrong-token-0123456789abcdef';
    const result = await doctor(['--json'], { ONEOFFICE_BEARER: wrong });
    expect(result.code).toBe(4);
    const report = JSON.parse(result.stdout) as { ok: boolean; exitCode: number; checks: Array<{ name: string; status: string; detail: string }> };
    expect(report).toMatchObject({ ok: false, exitCode: 4 });
    expect(report.checks.find((check) => check.name === 'auth')).toEqual({ name: 'auth', status: 'fail', detail: 'token refused: server answered 401 Unauthorized: invalid API key', exitCode: 4, hint: 'check the token and where it comes from (oneoffice config set bearer, $ONEOFFICE_BEARER)' });
    expect(report.checks.find((check) => check.name === 'answer')).toEqual({ name: 'answer', status: 'skip', detail: 'the token was refused' });
    expect(result.stdout + result.stderr).not.toContain(wrong);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });

  it('a closed port: the connect check fails, exit 6, later checks not reached', async () => {
    const port = await refusedPort();
    const result = await doctor([], { ONEOFFICE_URL: `http://127.0.0.1:${port}/` });
    expect(result.code).toBe(6);
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`fail  connect    cannot connect to 127.0.0.1:${port}: connection refused -> is the server running, and the URL's port right?`);
    expect(lines).toContain('skip  auth       not reached');
    expect(lines.at(-2)).toBe('1 check failed, 1 warning');
  });

  it('no URL anywhere: exit 3, naming where it looked', async () => {
    const result = await runMain(['doctor'], isolatedEnv());
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^fail {2}target {5}no API URL: looked in --url, .* -> set the URL and token: oneoffice config set url https:\/\/\.\.\. and oneoffice config set bearer$/m);
  });

  it('a bad flag: one line, exit 2, nothing checked', async () => {
    const result = await doctor(['--jsn']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: unknown option --jsn (did you mean --json?)\n' });
  });

  it('--profile: URL and token from the profile; a config file others may read is a warning', async () => {
    const env = isolatedEnv();
    const dir = join(env['XDG_CONFIG_HOME'] as string, 'oneoffice');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ profiles: { staging: { url: mock.url, bearer: TOKEN } } }), { mode: 0o644 });
    const result = await runMain(['doctor', '--profile', 'staging'], env);
    expect(result.code).toBe(0);
    const lines = stable(result.stdout).split('\n');
    expect(lines).toContain('ok    url        http://127.0.0.1:PORT/ (from profile staging (config file HOME/.config/oneoffice/config.json))');
    if (process.platform !== 'win32') expect(lines).toContain('warn  config     HOME/.config/oneoffice/config.json holds a token and other users may read it (mode 644) -> chmod 600 HOME/.config/oneoffice/config.json');
    expect(result.stdout).not.toContain(TOKEN);
  });
});

describe('oneoffice doctor and TLS', () => {
  it('a self-signed certificate: untrusted, exit 6, with what to do; trusted with --cacert, with its details', async () => {
    const certificate = makeCertificate('doctor-self-signed');
    const server = await startHttpsServer(certificate);
    try {
      const untrusted = await doctor([], { ONEOFFICE_URL: server.url });
      expect(untrusted.code).toBe(6);
      expect(untrusted.stdout.split('\n')).toContain(`fail  tls        TLS: the certificate of 127.0.0.1:${server.port} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); if you trust it, pass --cacert <CA bundle> (or set NODE_EXTRA_CA_CERTS); -k skips the check (unsafe) -> trust its CA with --cacert <file>`);
      const trusted = await doctor(['--cacert', certificate.certPath], { ONEOFFICE_URL: server.url });
      const tls = stable(trusted.stdout).split('\n').find((line) => line.includes(' tls '));
      // Two days to live: a warning to renew it; the server answers `true`, which is no user object.
      expect(tls).toBe(`warn  tls        TLSv1.3, certificate CN=doctor-self-signed, O=OneOffice Tests, issued by CN=doctor-self-signed, O=OneOffice Tests, expires in N days, --cacert ${certificate.certPath} -> the certificate must be renewed soon`);
      expect(trusted.stdout).toContain('warn  answer ');
      expect(trusted.code).toBe(0);
    } finally {
      server.close();
    }
  });

  it('an expired certificate: the tls check fails, exit 6', async () => {
    const certificate = makeExpiredCertificate();
    const server = await startHttpsServer(certificate);
    try {
      const result = await doctor(['--cacert', certificate.certPath], { ONEOFFICE_URL: server.url });
      expect(result.code).toBe(6);
      expect(result.stdout.split('\n')).toContain(`fail  tls        TLS: the certificate of 127.0.0.1:${server.port} has expired -> the server's certificate must be renewed (its owner's job); -k skips the check (unsafe)`);
      const insecure = await doctor(['-k'], { ONEOFFICE_URL: server.url });
      expect(insecure.stdout).toMatch(/^warn {2}tls {8}TLSv1\.3, certificate CN=oneoffice-expired, issued by CN=oneoffice-expired, expired \d+ days ago; not checked \(-k\) -> drop -k, and trust the server with --cacert$/m);
    } finally {
      server.close();
    }
  });
});

describe('oneoffice doctor and client certificates', () => {
  it('names the client certificate in use; without it the tls check fails (exit 6)', async () => {
    const ca = makeCa();
    const server = await startMutualTlsServer(ca, makeSignedCertificate(ca, 'doctor-server'));
    const client = makeSignedCertificate(ca, 'doctor-client', { client: true });
    try {
      const withCert = await doctor(['--cacert', ca.certPath, '--cert', client.certPath, '--key', client.keyPath], { ONEOFFICE_URL: server.url });
      const tls = withCert.stdout.split('\n').find((line) => line.includes(' tls '));
      expect(tls).toContain(`, --cacert ${ca.certPath}, client certificate ${client.certPath}`);
      expect(withCert.stdout).toMatch(/^ok {4}auth {7}token accepted \(200\)$/m);
      expect(withCert.code).toBe(0);
      const without = await doctor(['--cacert', ca.certPath], { ONEOFFICE_URL: server.url });
      expect(without.code).toBe(6);
      expect(without.stdout).toMatch(/^fail {2}tls {8}TLS: .*client certificate/m);
    } finally {
      server.close();
    }
  });
});

describe.skipIf(!tinyproxyAvailable() && process.env['CI'] !== 'true')('oneoffice doctor through a proxy (tinyproxy)', () => {
  it('names the proxy and where it came from, and connects through it', async () => {
    const proxy = await startTinyproxy();
    try {
      const result = await doctor(['--proxy', proxy.url]);
      expect(result.code).toBe(0);
      const lines = result.stdout.split('\n');
      expect(lines).toContain(`ok    proxy      ${proxy.url}/ (from --proxy)`);
      expect(lines.find((line) => line.includes(' connect '))).toMatch(new RegExp(`through the proxy ${proxy.url.replace(/[.]/g, '\\.')}/$`));
      expect(lines).toContain('ok    auth       token accepted (the test user is unknown, as expected: 400)');
    } finally {
      proxy.stop();
    }
  });

  it('says when NO_PROXY turns the proxy variable off for the host', async () => {
    const result = await doctor([], { HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toContain('ok    proxy      none: $NO_PROXY matches the host, so $HTTP_PROXY is not used');
  });
});
