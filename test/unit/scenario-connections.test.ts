// `oneoffice test` sends its steps over kept-alive connections (node:http's Agent, see
// http/node-transport.ts): one per file running at once, reopened when the server closes one.
// Against a recording server that notes which client port each request came from.
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { makeCa, makeCertificate, makeSignedCertificate, startMutualTlsServer } from '../helpers/tls.js';
import { startTinyproxy, tinyproxyAvailable } from '../helpers/tinyproxy.js';
import { SUMMARY_TIME, TOKEN, useScenarioBench } from '../helpers/scenario.js';
import { inTurn, jsonResponder, startRecordingServer, type RecordingServer, type Responder } from '../helpers/server.js';

const s = useScenarioBench();

// A user as getUserByEmail's response schema has it (every field it requires).
const USER = { id: 7, instance: 1, email: 'a@example.com', displayName: 'A', isActive: true, isAdmin: false, profile: {} };
const threeLookups = (tag: string) => `name: ${tag}
steps:
${[1, 2, 3].map((i) => `  - call: getUserByEmail\n    params: { email: "${tag}${i}@example.com" }\n`).join('')}`;

async function against(responder: Responder, run: (server: RecordingServer, env: Record<string, string>) => Promise<void>): Promise<void> {
  const server = await startRecordingServer(responder);
  try {
    await run(server, isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN }));
  } finally {
    await server.close();
  }
}

describe('connections of a test run', () => {
  it("sends a scenario's steps over one kept-alive connection, each with the headers a single call sends", async () => {
    await against(jsonResponder(200, USER), async (server, env) => {
      const result = await s.test([s.file('one.yml', threeLookups('one'))], env);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(new RegExp(String.raw`^\.\.\.\n\nOK: 1 scenario, 3 steps: 3 passed ${SUMMARY_TIME}\n$`));
      expect(result.code).toBe(0);
      expect(server.received.map(({ body }) => JSON.parse(body).params.email)).toEqual(['one1@example.com', 'one2@example.com', 'one3@example.com']);
      expect(new Set(server.received.map(({ clientPort }) => clientPort)).size).toBe(1);
      const single = await runMain(['getUserByEmail', '--email', 'one1@example.com'], env);
      expect(single.code).toBe(0);
      const [first, , , alone] = server.received;
      expect(first?.rawHeaders).toEqual(alone?.rawHeaders);
      expect(first?.body).toBe(alone?.body);
      expect(first?.headers.connection).toBe('keep-alive');
      expect(server.received.map(({ method }) => method)).toEqual(['GET', 'GET', 'GET', 'GET']);
    });
  });

  it('sends each step byte for byte as a single call does: Latin-1 in a -H value, UTF-8 in the params, ASCII alone', async () => {
    await against(jsonResponder(200, USER), async (server, env) => {
      const steps = ['Ann', 'Zoë 日本'].map((name, i) => `  - call: createUser\n    params: { email: "u${i}@example.com", displayName: "${name}" }\n    expect: { schema: false }\n`);
      const result = await s.test([s.file('bytes.yml', `steps:\n${steps.join('')}`), '-H', 'X-Name: Zoë'], env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      for (const [i, name] of ['Ann', 'Zoë 日本'].entries()) {
        const single = await runMain(['createUser', '--email', `u${i}@example.com`, '--display-name', name, '-H', 'X-Name: Zoë'], env);
        expect(single.code).toBe(0);
      }
      const [ascii, utf8, asciiAlone, utf8Alone] = server.received;
      expect(utf8?.body).toBe('{"method":"createUser","params":{"email":"u1@example.com","displayName":"Zoë 日本"}}');
      expect(utf8?.headers['content-length']).toBe(String(Buffer.byteLength(utf8?.body ?? '')));
      expect(utf8?.headers['x-name']).toBe('Zoë');
      expect([ascii?.rawHeaders, ascii?.body]).toEqual([asciiAlone?.rawHeaders, asciiAlone?.body]);
      expect([utf8?.rawHeaders, utf8?.body]).toEqual([utf8Alone?.rawHeaders, utf8Alone?.body]);
    });
  });

  it("does not reuse a connection left idle longer than the server's Keep-Alive hint allows", async () => {
    // The server keeps idle connections 2 s (it says `Keep-Alive: timeout=2`); the step polls again after 1.5 s,
    // past the hint less a second: a new connection, never one the server may be closing.
    const ports: number[] = [];
    let served = 0;
    const server = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        ports.push(req.socket.remotePort ?? 0);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ attempt: ++served }));
      });
    });
    server.keepAliveTimeout = 2000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const env = isolatedEnv({ ONEOFFICE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, ONEOFFICE_BEARER: TOKEN });
      const path = s.file('idle.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: a@example.com }\n    expect: { schema: false, body: { attempt: 2 } }\n    retry-until: { interval: 1500, timeout: 10000 }\n');
      const result = await s.test([path], env);
      expect(result.stdout).toMatch(/^\.\n/);
      expect(result.code).toBe(0);
      expect(ports).toHaveLength(2);
      expect(ports[1]).not.toBe(ports[0]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('uses at most --jobs connections for files running at once', async () => {
    await against(jsonResponder(200, USER), async (server, env) => {
      const files = ['a', 'b', 'c', 'd'].map((tag) => s.file(`${tag}.yml`, threeLookups(tag)));
      const result = await s.test([...files, '--jobs', '2'], env);
      expect(result.code).toBe(0);
      expect(server.received).toHaveLength(12);
      expect(new Set(server.received.map(({ clientPort }) => clientPort)).size).toBeLessThanOrEqual(2);
    });
  });

  it('opens a new connection for the next step when the server closes one after its answer', async () => {
    await against(jsonResponder(200, USER, { connection: 'close' }), async (server, env) => {
      const result = await s.test([s.file('closing.yml', threeLookups('closing'))], env);
      expect(result.stdout).toMatch(/^\.\.\.\n/);
      expect(result.code).toBe(0);
      expect(new Set(server.received.map(({ clientPort }) => clientPort)).size).toBe(3);
    });
  });

  it('retries a read cut mid-answer on a new connection, and sends a create cut mid-answer only once', async () => {
    const cut: Responder = (_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"id":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    await against(inTurn(jsonResponder(200, USER), cut, jsonResponder(200, USER)), async (server, env) => {
      const result = await s.test([s.file('cut-read.yml', threeLookups('cut'))], env);
      expect(result.stdout).toMatch(/^\.\.\.\n/);
      expect(result.code).toBe(0);
      // Step 2 twice (the cut answer, then the retry), step 3 once.
      expect(server.received.map(({ body }) => JSON.parse(body).params.email)).toEqual(['cut1@example.com', 'cut2@example.com', 'cut2@example.com', 'cut3@example.com']);
      expect(server.received[2]?.clientPort).not.toBe(server.received[1]?.clientPort);
    });
    await against(inTurn(cut), async (server, env) => {
      const result = await s.test([s.file('cut-create.yml', 'steps:\n  - call: createUser\n    params: { email: cut@example.com }\n')], env);
      expect(result.stdout).toMatch(/^E\n/);
      expect(server.received).toHaveLength(1);
      expect(result.stdout).toContain('   no answer: connection to 127.0.0.1:');
      expect(result.stdout).toContain(' was reset\n');
      expect(result.code).toBe(6);
    });
  });
});

describe('test runs over TLS and through proxies', () => {
  it('keeps one TLS connection for the steps of a scenario against an https server (--cacert)', async () => {
    const certificate = makeCertificate();
    const handshakes: number[] = [];
    const server = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(USER));
      });
    });
    server.on('secureConnection', (socket) => handshakes.push(socket.remotePort ?? 0));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const env = isolatedEnv({ ONEOFFICE_URL: `https://127.0.0.1:${(server.address() as AddressInfo).port}/api`, ONEOFFICE_BEARER: TOKEN });
      const result = await s.test([s.file('tls.yml', threeLookups('tls')), '--cacert', certificate.certPath], env);
      expect(result.stdout).toMatch(/^\.\.\.\n/);
      expect(result.code).toBe(0);
      expect(handshakes).toHaveLength(1);
      // Four files at once over TLS: one https pool, so at most --jobs connections.
      handshakes.length = 0;
      const files = ['t1', 't2', 't3', 't4'].map((tag) => s.file(`${tag}.yml`, threeLookups(tag)));
      const four = await s.test([...files, '--jobs', '4', '--cacert', certificate.certPath], env);
      expect(four.code).toBe(0);
      expect(handshakes.length).toBeLessThanOrEqual(4);
      const refused = await s.test([s.file('tls-unknown-ca.yml', threeLookups('tls'))], env);
      expect(refused.stdout).toMatch(/^ESS\n/);
      expect(refused.stdout).toContain('certificate');
      expect(refused.code).toBe(6);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('presents a client certificate (--cert, --key) to a server that requires one', async () => {
    const ca = makeCa();
    const server = await startMutualTlsServer(ca, makeSignedCertificate(ca, '127.0.0.1'));
    const client = makeSignedCertificate(ca, 'scenario-client', { client: true });
    try {
      const env = isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN });
      const path = s.file('mtls.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: a@example.com }\n    expect: { schema: false, body: { client: scenario-client } }\n');
      const result = await s.test([path, '--cacert', ca.certPath, '--cert', client.certPath, '--key', client.keyPath], env);
      expect(result.stdout).toMatch(/^\.\n/);
      expect(result.code).toBe(0);
    } finally {
      server.close();
    }
  });

  it('checks an encrypted --key with its passphrase (--pass-env) before the first step', async () => {
    const ca = makeCa();
    const server = await startMutualTlsServer(ca, makeSignedCertificate(ca, '127.0.0.1'));
    const client = makeSignedCertificate(ca, 'locked-scenario-client', { client: true, passphrase: 'open-sesame-42' });
    try {
      const path = s.file('mtls-locked.yml', 'steps:\n  - call: getUserByEmail\n    params: { email: a@example.com }\n    expect: { schema: false, body: { client: locked-scenario-client } }\n');
      const args = [path, '--cacert', ca.certPath, '--cert', client.certPath, '--key', client.keyPath, '--pass-env', 'KEY_PASS'];
      const wrong = await s.test(args, isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN, KEY_PASS: 'not-the-one' }));
      expect(wrong).toEqual({ code: 2, stdout: '', stderr: `oneoffice: --key: wrong passphrase for ${client.keyPath} (from $KEY_PASS)\n` });
      const right = await s.test(args, isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN, KEY_PASS: 'open-sesame-42' }));
      expect(right.stdout).toMatch(/^\.\n/);
      expect(right.code).toBe(0);
    } finally {
      server.close();
    }
  });

  it.skipIf(!tinyproxyAvailable())('sends the steps through an HTTP proxy (tinyproxy) when one is set', async () => {
    const proxy = await startTinyproxy();
    try {
      await against(jsonResponder(200, USER), async (server, env) => {
        // The URL names a host only the proxy resolves the same way: 127.0.0.1 written as localhost.
        const result = await s.test([s.file('proxied.yml', threeLookups('proxied')), '--proxy', proxy.url], { ...env, ONEOFFICE_URL: server.url.replace('127.0.0.1', 'localhost') });
        expect(result.stdout).toMatch(/^\.\.\.\n/);
        expect(result.code).toBe(0);
        expect(server.received).toHaveLength(3);
        // tinyproxy adds Via: the steps went through it.
        expect(server.received.map(({ headers }) => headers.via)).toEqual(Array(3).fill(expect.stringContaining('tinyproxy')));
      });
    } finally {
      proxy.stop();
    }
  });
});
