// A self-signed certificate for 127.0.0.1/localhost, made with the openssl command line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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
