// A proxy reached over https://: a failure of its own TLS (a certificate not trusted, or not for
// its name) is named as the proxy's, not the API server's; and a proxy given by IP address is sent
// no TLS server name (RFC 6066 allows none; Node warned on stderr), one given by name is. A real
// TLS proxy on 127.0.0.1 (node:https) tunnels CONNECT to a recording server.
import { createServer, type Server } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { useCleanups, useRecordingServer } from '../helpers/server.js';
import { makeCertificate, type TestCertificate } from '../helpers/tls.js';

const TOKEN = 'https-proxy-token-0123456789-c0de';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));
const cleanups = useCleanups();
const user = ['getUserByEmail', '--email', 'a@b.co'];
const forLoopback = makeCertificate('oneoffice-proxy');
const forElsewhere = makeCertificate('oneoffice-proxy-elsewhere', 'DNS:proxy.elsewhere.example');

/** An https:// proxy that tunnels every CONNECT; keeps the TLS server name each connection asked for. */
async function tlsProxy(certificate: TestCertificate): Promise<{ port: number; serverNames: Array<string | false> }> {
  const serverNames: Array<string | false> = [];
  const server: Server = createServer({ cert: certificate.cert, key: certificate.key });
  server.on('secureConnection', (socket: TLSSocket) => serverNames.push((socket as TLSSocket & { servername: string | false }).servername));
  server.on('connect', (req, socket, head) => {
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.defer(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return { port: (server.address() as AddressInfo).port, serverNames };
}

describe('a proxy reached over https://', () => {
  it("an untrusted certificate is the proxy's, named by its host and port, for https:// and http:// URLs (exit 6, nothing reaches the API)", async () => {
    const proxy = await tlsProxy(forLoopback);
    const line = `oneoffice: TLS: the certificate of proxy 127.0.0.1:${proxy.port} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); if you trust it, pass --cacert <CA bundle> (or set NODE_EXTRA_CA_CERTS); -k skips the check (unsafe)\n`;
    for (const url of ['https://127.0.0.1:9/api', rec.server.url]) {
      expect(await runMain([...user, '--url', url, '--proxy', `https://127.0.0.1:${proxy.port}`], rec.env)).toEqual({ code: 6, stdout: '', stderr: line });
    }
    expect(rec.server.received).toHaveLength(0);
  });

  it('a trusted certificate that is not for the proxy\'s name says so, naming the proxy (it said "failed: UND_ERR_PRX_TLS")', async () => {
    const proxy = await tlsProxy(forElsewhere);
    const result = await runMain([...user, '--proxy', `https://127.0.0.1:${proxy.port}`, '--cacert', forElsewhere.certPath], rec.env);
    expect(result).toEqual({ code: 6, stdout: '', stderr: `oneoffice: TLS: the certificate of proxy 127.0.0.1:${proxy.port} is not valid for 127.0.0.1\n` });
    expect(rec.server.received).toHaveLength(0);
  });

  it('given by IP address it gets no TLS server name and nothing is said on stderr; given by name it gets that name', async () => {
    const proxy = await tlsProxy(forLoopback);
    const byAddress = await runCli([...user, '--proxy', `https://127.0.0.1:${proxy.port}`, '--cacert', forLoopback.certPath], { env: rec.env });
    expect(byAddress).toEqual({ code: 0, stdout: '{"ok":true}', stderr: '' });
    const byName = await runMain([...user, '--proxy', `https://localhost:${proxy.port}`, '--cacert', forLoopback.certPath], rec.env);
    expect(byName.code).toBe(0);
    expect(proxy.serverNames).toEqual([false, 'localhost']);
    expect(rec.server.received).toHaveLength(2);
  });
});
