// Client certificates against an https server that requires one (an openssl-made CA signs the
// server's and the client's certificates): directly (node:https) and through a tinyproxy tunnel
// (undici), in a batch, from flags and from the config file, with encrypted keys; main() in this
// process. The passphrase prompt on a terminal runs the built CLI: test/e2e/client-cert.test.ts.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, ROOT } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { refusedPort } from '../helpers/server.js';
import { makeCa, makeSignedCertificate, startMutualTlsServer, type SignedCertificate, type TestCa } from '../helpers/tls.js';
import { tempDir } from '../helpers/temp.js';
import { startTinyproxy, tinyproxyAvailable, type Proxy } from '../helpers/tinyproxy.js';

const TOKEN = 'client-cert-token-0123456789';
const PASSPHRASE = 'open sesame 42';
const haveOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
const haveTinyproxy = tinyproxyAvailable();
if (!haveOpenssl) console.warn('SKIPPED: openssl is not installed; the client certificate tests did not run');

let ca: TestCa;
let client: SignedCertificate;
let locked: SignedCertificate;
let combined: string;
let server: { port: number; url: string; close(): void };

beforeAll(async () => {
  if (!haveOpenssl) return;
  ca = makeCa();
  client = makeSignedCertificate(ca, 'alice', { client: true });
  locked = makeSignedCertificate(ca, 'bob', { client: true, passphrase: PASSPHRASE });
  combined = join(tempDir('client-cert'), 'client.pem');
  writeFileSync(combined, `${client.cert}${client.key}`);
  server = await startMutualTlsServer(ca, makeSignedCertificate(ca, 'api.test'));
  // Four RSA keys made by openssl: a ceiling for a loaded machine (the whole suite runs beside it), not a speed expectation.
}, 120_000);
afterAll(() => server?.close());

const env = (extra: Record<string, string> = {}) => isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN, ...extra });
const call = (args: string[], extra: Record<string, string> = {}) => runMain(['getUserByEmail', '--email', 'a@b.co', '--cacert', ca.certPath, ...args], env(extra));

describe.skipIf(!haveOpenssl)('client certificates', () => {
  it('a server that requires a certificate refuses a call without one, and the message says what to do', async () => {
    const result = await call(['--retry', '0']);
    expect(result.code).toBe(6);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`oneoffice: TLS: 127.0.0.1:${server.port} requires a client certificate; give one with --cert <file> (and --key <file>)\n`);
  });

  it('--cert and --key: the server sees the client certificate', async () => {
    const result = await call(['--cert', client.certPath, '--key', client.keyPath]);
    expect(result).toEqual({ code: 0, stdout: '{"client":"alice"}', stderr: '' });
  });

  it('a certificate from a CA the server does not trust: exit 6, nothing on stdout', async () => {
    const stranger = makeSignedCertificate(makeCa('another CA'), 'mallory', { client: true });
    const result = await call(['--cert', stranger.certPath, '--key', stranger.keyPath, '--retry', '0']);
    expect(result.code).toBe(6);
    expect(result.stdout).toBe('');
    // TLS 1.3: the client has sent its request before the server's verdict arrives; depending on
    // which comes first, Node reports the server's alert or a reset.
    expect(result.stderr).toMatch(new RegExp(`^oneoffice: (TLS: 127\\.0\\.0\\.1:${server.port} did not accept the client certificate \\(ERR_SSL_\\w+\\)|connection to 127\\.0\\.0\\.1:${server.port} was reset)\n$`));
  });

  it('--cert alone, when the file holds the key too', async () => {
    const result = await call(['--cert', combined]);
    expect(result).toEqual({ code: 0, stdout: '{"client":"alice"}', stderr: '' });
  });

  it('an encrypted key with its passphrase from --pass-env', async () => {
    const result = await call(['--cert', locked.certPath, '--key', locked.keyPath, '--pass-env', 'OO_KEY_PASS'], { OO_KEY_PASS: PASSPHRASE });
    expect(result).toEqual({ code: 0, stdout: '{"client":"bob"}', stderr: '' });
  });

  it('a wrong passphrase is a usage error naming the key and the variable, and nothing is sent', async () => {
    const result = await call(['--cert', locked.certPath, '--key', locked.keyPath, '--pass-env', 'OO_KEY_PASS'], { OO_KEY_PASS: 'not-the-passphrase' });
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: --key: wrong passphrase for ${locked.keyPath} (from $OO_KEY_PASS)\n` });
  });

  it("an encrypted key opened by its passphrase but not the certificate's is named as such, not as a wrong passphrase", async () => {
    const result = await call(['--cert', client.certPath, '--key', locked.keyPath, '--pass-env', 'OO_KEY_PASS'], { OO_KEY_PASS: PASSPHRASE });
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: --cert: ${client.certPath} and the key in ${locked.keyPath} do not belong together\n` });
  });

  it('an encrypted key without a passphrase and without a terminal: exit 2, no prompt', async () => {
    const result = await call(['--cert', locked.certPath, '--key', locked.keyPath]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: --key: ${locked.keyPath} is encrypted: give its passphrase with --pass-env <variable> (there is no terminal to ask on)\n` });
  });

  it('a certificate file without a key, and a missing file, are usage errors', async () => {
    expect(await call(['--cert', client.certPath])).toEqual({ code: 2, stdout: '', stderr: `oneoffice: --cert: ${client.certPath} holds no private key; give it with --key <file>\n` });
    expect(await call(['--cert', '/nonexistent.pem'])).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: --cert: cannot read /nonexistent.pem: ENOENT\n' });
    expect(await call(['--key', client.keyPath])).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: --key needs --cert <file>: the certificate that goes with the key\n' });
  });

  it("-v names the client certificate's subject", async () => {
    const result = await call(['--cert', client.certPath, '--key', client.keyPath, '-v']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('*  subject: CN=api.test, O=OneOffice Tests\n');
    expect(result.stderr).toContain('* Client certificate: subject: CN=alice, O=OneOffice Tests\n');
  });

  it('the config keys cert, key and pass-env', async () => {
    const configured = env({ OO_KEY_PASS: PASSPHRASE });
    for (const [key, value] of [['cert', locked.certPath], ['key', locked.keyPath], ['pass-env', 'OO_KEY_PASS'], ['cacert', ca.certPath]] as const) {
      expect((await runMain(['config', 'set', key, value], configured)).code).toBe(0);
    }
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co'], configured);
    expect(result).toEqual({ code: 0, stdout: '{"client":"bob"}', stderr: '' });
  });

  it('config set checks each of them alone: a certificate, a key, a variable name', async () => {
    const configured = env();
    expect(await runMain(['config', 'set', 'cert', locked.keyPath], configured)).toEqual({ code: 2, stdout: '', stderr: `oneoffice: config set cert: ${locked.keyPath} holds no PEM certificate\n` });
    expect(await runMain(['config', 'set', 'key', locked.certPath], configured)).toEqual({ code: 2, stdout: '', stderr: `oneoffice: config set key: ${locked.certPath} holds no PEM private key\n` });
    expect(await runMain(['config', 'set', 'pass-env', 'not a name'], configured)).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: config set pass-env: must be the name of an environment variable (got "not a name")\n' });
  });

  it('--curl names the files and the passphrase variable, never the passphrase', async () => {
    const result = await call(['--cert', locked.certPath, '--key', locked.keyPath, '--pass-env', 'OO_KEY_PASS', '--curl'], { OO_KEY_PASS: PASSPHRASE });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(` --cert ${locked.certPath} --key ${locked.keyPath} --pass "\${OO_KEY_PASS}" `);
    expect(result.stdout).not.toContain(PASSPHRASE);
  });

  it('a batch sends every call with the certificate (undici)', async () => {
    const input = join(tempDir('client-cert'), 'calls.ndjson');
    writeFileSync(input, '{"method":"getUserByEmail","params":{"email":"a@b.co"}}\n{"method":"getUserByEmail","params":{"email":"c@d.co"}}\n');
    const result = await runMain(['batch', input, '--cacert', ca.certPath, '--cert', client.certPath, '--key', client.keyPath], env());
    expect(result.code).toBe(0);
    const bodies = result.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { body: unknown }).body);
    expect(bodies).toEqual([{ client: 'alice' }, { client: 'alice' }]);
  });
});

describe.skipIf(!haveOpenssl || !haveTinyproxy)('client certificates through a proxy', () => {
  let proxy: Proxy;
  beforeAll(async () => {
    proxy = await startTinyproxy();
  });
  afterAll(() => proxy?.stop());

  it('go through the CONNECT tunnel to the server', async () => {
    const result = await call(['--cert', client.certPath, '--key', client.keyPath, '--proxy', proxy.url]);
    expect(result).toEqual({ code: 0, stdout: '{"client":"alice"}', stderr: '' });
  });

  it('an encrypted key through the tunnel, passphrase from --pass-env', async () => {
    const result = await call(['--cert', locked.certPath, '--key', locked.keyPath, '--pass-env', 'P'], { P: PASSPHRASE, HTTPS_PROXY: proxy.url });
    expect(result).toEqual({ code: 0, stdout: '{"client":"bob"}', stderr: '' });
  });
});

// A key encrypted with "the-right-passphrase" (openssl pkcs8 -topk8, AES-256-CBC) that "wrong-18"
// decrypts to bytes whose padding happens to look right, as about one wrong passphrase in 370 does
// for any key: OpenSSL then says "DECODER routines::unsupported", not "bad decrypt". The tests above
// make their keys afresh each run, so they met such a passphrase about once in 370 runs.
describe('a wrong passphrase that decrypts the key to bytes that are no key', () => {
  const fixture = (name: string) => join(ROOT, 'test', 'fixtures', name);
  const args = async () => ['getUserByEmail', '--email', 'a@b.co', '--url', `https://127.0.0.1:${await refusedPort()}/`, '--cert', fixture('lucky-passphrase-cert.pem'), '--key', fixture('lucky-passphrase-key.pem'), '--pass-env', 'P'];

  it('is still named a wrong passphrase (exit 2), not a certificate and key that do not fit, and nothing is sent', async () => {
    const result = await runMain(await args(), isolatedEnv({ ONEOFFICE_BEARER: TOKEN, P: 'wrong-18' }));
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: --key: wrong passphrase for ${fixture('lucky-passphrase-key.pem')} (from $P)\n` });
  });

  it('while the right one opens it (the call then goes on, to a port that refuses it)', async () => {
    const result = await runMain([...(await args()), '--retry', '0'], isolatedEnv({ ONEOFFICE_BEARER: TOKEN, P: 'the-right-passphrase' }));
    expect([result.code, result.stderr]).toEqual([6, `oneoffice: cannot connect to 127.0.0.1:${await refusedPort()}: connection refused\n`]);
  });
});
