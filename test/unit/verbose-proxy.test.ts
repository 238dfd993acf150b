// -v through a proxy shows what the proxy reads: a forwarded plain-http call with its absolute URL
// and the Proxy-Authorization of the proxy URL's user and password, or the CONNECT that opens a
// tunnel (with that credential) before the request that goes through it. Each compared line by line
// with what a proxy on 127.0.0.1 received; main() in this process.
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { startRecordingServer, useCleanups, type Received } from '../helpers/server.js';
import { makeCertificate, startHttpsServer } from '../helpers/tls.js';

const TOKEN = 'verbose-proxy-token-0123456789';
const PASSWORD = 'proxy-pass/word+42';
const BASIC = `Basic ${Buffer.from(`proxy-user:${PASSWORD}`).toString('base64')}`;
const { defer, rawServer } = useCleanups();

/** The `>` lines of a -v output, up to the `>` that ends each head. */
function sentHeads(stderr: string): string[][] {
  const heads: string[][] = [];
  let head: string[] | undefined;
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('>')) continue;
    if (line === '>') {
      if (head) heads.push(head);
      head = undefined;
    } else (head ??= []).push(line.slice(2));
  }
  return heads;
}

function asLines(request: Received, target = request.url): string[] {
  return [`${request.method} ${target} HTTP/1.1`, ...request.rawHeaders.map(([name, value]) => `${name}: ${value}`)];
}

async function forwardingProxy() {
  const proxy = await startRecordingServer();
  defer(() => proxy.close());
  return proxy;
}

describe('-v through a proxy that forwards a plain http:// call', () => {
  const env = (proxyUrl: string) => isolatedEnv({ ONEOFFICE_URL: 'http://127.0.0.1:9/api/v1?x=1', ONEOFFICE_BEARER: TOKEN, HTTP_PROXY: proxyUrl });

  it("shows the absolute URL it asks the proxy for and the proxy's credential, masked as ****, where it was sent", async () => {
    const proxy = await forwardingProxy();
    const result = await runMain(['createUser', '--email', 'a@b.co', '-v'], env(`http://proxy-user:${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxy.port}`));
    expect(result.code).toBe(0);
    const received = proxy.received[0]!;
    expect(received.headers['proxy-authorization']).toBe(BASIC);
    const expected = asLines(received).map((line) => line.replace(BASIC, '****').replace(TOKEN, `****…${TOKEN.slice(-4)}`));
    expect(sentHeads(result.stderr)).toEqual([expected]);
    expect(expected[0]).toBe('GET http://127.0.0.1:9/api/v1?x=1 HTTP/1.1');
    expect(expected).toContain('proxy-authorization: ****');
    expect(result.stderr).not.toContain(PASSWORD);
  });

  it('--show-secrets shows the credential as sent', async () => {
    const proxy = await forwardingProxy();
    const result = await runMain(['createUser', '--email', 'a@b.co', '-v', '--show-secrets'], env(`http://proxy-user:${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxy.port}`));
    expect(result.code).toBe(0);
    expect(sentHeads(result.stderr)).toEqual([asLines(proxy.received[0]!)]);
    expect(result.stderr).toContain(`\n> proxy-authorization: ${BASIC}\n`);
  });

  it('a proxy URL without a password sends no credential, and -v shows none', async () => {
    const proxy = await forwardingProxy();
    const result = await runMain(['createUser', '--email', 'a@b.co', '-v'], env(`http://proxy-user@127.0.0.1:${proxy.port}`));
    expect(result.code).toBe(0);
    expect(proxy.received[0]!.headers['proxy-authorization']).toBeUndefined();
    expect(sentHeads(result.stderr)[0]!.join('\n')).not.toContain('proxy-authorization');
  });
});

describe('-v through a CONNECT tunnel (https://)', () => {
  /** A proxy that records each CONNECT's head, answers 200 and then joins the two connections. */
  async function tunnelProxy(connects: string[][]) {
    return rawServer((client: Socket) => {
      let buffered = Buffer.alloc(0);
      const onData = (data: Buffer) => {
        buffered = Buffer.concat([buffered, data]);
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        client.off('data', onData);
        const lines = buffered.subarray(0, end).toString('latin1').split('\r\n');
        connects.push(lines);
        const port = Number(/:(\d+) /.exec(lines[0]!)?.[1]);
        const server = connect(port, '127.0.0.1', () => {
          client.write('HTTP/1.1 200 Connection established\r\n\r\n');
          server.write(buffered.subarray(end + 4));
          client.pipe(server).pipe(client);
        });
        server.on('error', () => client.destroy());
        client.on('close', () => server.destroy());
      };
      client.on('data', onData);
    });
  }

  it('shows the CONNECT, with the credential masked, before the request, which carries none', async () => {
    const certificate = makeCertificate();
    const https = await startHttpsServer(certificate);
    defer(https.close);
    const connects: string[][] = [];
    const proxy = await tunnelProxy(connects);
    const env = isolatedEnv({ ONEOFFICE_URL: `https://127.0.0.1:${https.port}/api`, ONEOFFICE_BEARER: TOKEN, HTTPS_PROXY: `http://proxy-user:${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxy.port}` });
    const result = await runMain(['createUser', '--email', 'a@b.co', '-v', '--cacert', certificate.certPath], env);
    expect(result).toMatchObject({ code: 0, stdout: 'true' });
    expect(connects).toHaveLength(1);
    expect(connects[0]).toContain(`proxy-authorization: ${BASIC}`);
    const heads = sentHeads(result.stderr);
    expect(heads).toHaveLength(2);
    expect(heads[0]).toEqual(connects[0]!.map((line) => line.replace(BASIC, '****')));
    expect(heads[0]![0]).toBe(`CONNECT 127.0.0.1:${https.port} HTTP/1.1`);
    expect(heads[1]![0]).toBe('GET /api HTTP/1.1');
    expect(heads[1]!.join('\n')).not.toContain('proxy-authorization');
    expect(result.stderr).toContain(`\n* Establish HTTP proxy tunnel to 127.0.0.1:${https.port}\n> CONNECT `);
    expect(result.stderr).not.toContain(PASSWORD);
  });
});
