// A self-signed certificate for 127.0.0.1/localhost, made with the openssl command line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
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

/**
 * A self-signed certificate for 127.0.0.1/localhost that expired in 2020. `openssl req -x509` cannot
 * date a certificate in the past; `openssl ca` can, with a throwaway database.
 */
export function makeExpiredCertificate(commonName = 'oneoffice-expired'): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'oneoffice-expired-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  const config = join(dir, 'ca.cnf');
  writeFileSync(config, ['[ ca ]', 'default_ca = CA_default', '[ CA_default ]', `database = ${join(dir, 'index.txt')}`, `new_certs_dir = ${dir}`, `serial = ${join(dir, 'serial')}`, 'default_md = sha256', 'policy = policy_any', 'copy_extensions = copy', '[ policy_any ]', 'commonName = supplied', ''].join('\n'));
  execFileSync('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', join(dir, 'req.csr'), '-subj', `/CN=${commonName}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  execFileSync('openssl', ['ca', '-selfsign', '-keyfile', keyPath, '-in', join(dir, 'req.csr'), '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-config', config, '-batch', '-notext', '-out', certPath], { stdio: 'ignore' });
  return { certPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

/** An https server on 127.0.0.1 with this certificate, answering every call with 200 `true`. */
export async function startHttpsServer(certificate: TestCertificate): Promise<{ port: number; url: string; close(): void }> {
  const https = createServer({ cert: certificate.cert, key: certificate.key }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('true');
  });
  return listening(https);
}

export interface TestCa {
  certPath: string;
  keyPath: string;
  cert: string;
}

/** A certificate authority made with openssl, for servers that require client certificates. */
export function makeCa(commonName = 'oneoffice test CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'oneoffice-ca-'));
  const certPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'ca-key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', keyPath, '-out', certPath, '-subj', `/CN=${commonName}`], { stdio: 'ignore' });
  return { certPath, keyPath, cert: readFileSync(certPath, 'utf8') };
}

export interface SignedCertificate {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

/** A certificate signed by the CA: for a server (127.0.0.1, localhost) or a client; the key encrypted with `passphrase` when given. */
export function makeSignedCertificate(ca: TestCa, commonName: string, options: { client?: boolean; passphrase?: string } = {}): SignedCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'oneoffice-signed-'));
  const keyPath = join(dir, 'key.pem');
  const csrPath = join(dir, 'req.csr');
  const certPath = join(dir, 'cert.pem');
  const extPath = join(dir, 'ext.cnf');
  execFileSync('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', csrPath, '-subj', `/CN=${commonName}/O=OneOffice Tests`], { stdio: 'ignore' });
  writeFileSync(extPath, options.client ? 'extendedKeyUsage=clientAuth\n' : 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  execFileSync('openssl', ['x509', '-req', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-CAcreateserial', '-days', '2', '-out', certPath, '-extfile', extPath], { stdio: 'ignore' });
  if (options.passphrase !== undefined) {
    execFileSync('openssl', ['pkcs8', '-topk8', '-in', keyPath, '-out', `${keyPath}.enc`, '-passout', `pass:${options.passphrase}`], { stdio: 'ignore' });
    renameSync(`${keyPath}.enc`, keyPath);
  }
  return { certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

/** An https server that requires a client certificate signed by the CA; answers with the client's CN. */
export async function startMutualTlsServer(ca: TestCa, server: SignedCertificate): Promise<{ port: number; url: string; close(): void }> {
  const https = createServer({ cert: server.cert, key: server.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ client: peer.subject?.CN ?? null }));
    });
  });
  return listening(https);
}

/** The server listening on a free port of 127.0.0.1, with its URL and a close that ends open connections. */
async function listening(https: Server): Promise<{ port: number; url: string; close(): void }> {
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
