// A self-signed certificate for 127.0.0.1/localhost, made with the openssl command line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  certPath: string;
  cert: string;
  key: string;
}

export function makeCertificate(commonName = 'oneoffice-test', altNames = 'IP:127.0.0.1,DNS:localhost'): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'oneoffice-tls-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-keyout', keyPath, '-out', certPath, '-subj', `/CN=${commonName}/O=OneOffice Tests`, '-addext', `subjectAltName=${altNames}`,
  ], { stdio: 'ignore' });
  return { certPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

/** An https server on 127.0.0.1 with this certificate, answering every call with 200 `true`. */
export async function startHttpsServer(certificate: TestCertificate): Promise<{ port: number; url: string; close(): void }> {
  const https = createServer({ cert: certificate.cert, key: certificate.key }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('true');
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const port = (https.address() as AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}/api`,
    close: () => {
      https.closeAllConnections();
      https.close();
    },
  };
}
