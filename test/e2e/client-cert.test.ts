// The hidden prompt for an encrypted client key's passphrase, on a real terminal: the built CLI
// under script(1). Everything else about client certificates (calls, batches, the proxy tunnel,
// config keys, messages) runs in-process: test/unit/client-cert.test.ts.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { haveScript, onTerminal } from '../helpers/terminal.js';
import { makeCa, makeSignedCertificate, startMutualTlsServer, type SignedCertificate, type TestCa } from '../helpers/tls.js';

const TOKEN = 'client-cert-token-0123456789';
const PASSPHRASE = 'open sesame 42';
const haveOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
if (!haveOpenssl) console.warn('SKIPPED: openssl is not installed; the client certificate tests did not run');

let ca: TestCa;
let locked: SignedCertificate;
let server: { port: number; url: string; close(): void };

beforeAll(async () => {
  if (!haveOpenssl) return;
  ca = makeCa();
  locked = makeSignedCertificate(ca, 'bob', { client: true, passphrase: PASSPHRASE });
  server = await startMutualTlsServer(ca, makeSignedCertificate(ca, 'api.test'));
  // Four RSA keys made by openssl: a ceiling for a loaded machine (the whole suite runs beside it), not a speed expectation.
}, 120_000);
afterAll(() => server?.close());

const env = (extra: Record<string, string> = {}) => isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN, ...extra });

describe.skipIf(!haveOpenssl || !haveScript)('on a terminal', () => {
  it("asks for an encrypted key's passphrase with a hidden prompt", async () => {
    const args = ['getUserByEmail', '--email', 'a@b.co', '--cacert', ca.certPath, '--cert', locked.certPath, '--key', locked.keyPath];
    const { code, output } = await onTerminal(args, { ...env(), NO_COLOR: '1' }, { 'Passphrase for': `${PASSPHRASE}\r` });
    expect(code).toBe(0);
    expect(output).toContain(`Passphrase for ${locked.keyPath}: `);
    expect(output).not.toContain(PASSPHRASE);
    expect(output).toContain('"client": "bob"');
  });
});
