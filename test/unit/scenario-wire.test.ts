// What `oneoffice test` makes of each form an HTTP/1.1 answer may take on its kept-alive plain-HTTP
// connections (http/kept-connections.ts: Node's own parser, without node:http's request objects):
// the same as a single call makes of it through node:http. Against raw TCP servers on 127.0.0.1
// that write their answers by hand.
import { channel } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';
import { SUMMARY_TIME, TOKEN, useScenarioBench } from '../helpers/scenario.js';
import { jsonResponder, startRecordingServer, useCleanups } from '../helpers/server.js';
import { inPieces, requestsOf } from '../helpers/raw-answers.js';

const s = useScenarioBench();
const { rawServer } = useCleanups();

const USER = { id: 7, instance: 1, email: 'a@example.com', displayName: 'A', isActive: true, isAdmin: false, profile: {} };
const USER_JSON = JSON.stringify(USER);
const lookups = (count: number) => `steps:\n${Array.from({ length: count }, (_, i) => `  - call: getUserByEmail\n    params: { email: "w${i}@example.com" }\n`).join('')}`;

const envFor = (port: number) => isolatedEnv({ ONEOFFICE_URL: `http://127.0.0.1:${port}/`, ONEOFFICE_BEARER: TOKEN });

describe('the answers of a test run, on kept-alive plain-HTTP connections', () => {
  it("sends no step through node:http's request objects (the cheaper path is the one taken)", async () => {
    const server = await startRecordingServer(jsonResponder(200, USER));
    const started = channel('http.client.request.start');
    let requests = 0;
    const count = () => void requests++;
    started.subscribe(count);
    try {
      const result = await s.test([s.file('counted.yml', lookups(3))], isolatedEnv({ ONEOFFICE_URL: server.url, ONEOFFICE_BEARER: TOKEN }));
      expect(result.code).toBe(0);
      expect(server.received).toHaveLength(3);
      expect(requests).toBe(0);
    } finally {
      started.unsubscribe(count);
      await server.close();
    }
  });

  it('reads an answer in any form HTTP/1.1 allows: chunked in pieces, after interim 1xx answers, or a long head read in parts, on one connection', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `x-h${i}: ${i}\r\n`).join('');
    const chunked = (body: string) => [`${(body.length - 5).toString(16)}\r\n${body.slice(0, -5)}\r\n`, `5\r\n${body.slice(-5)}\r\n`, '0\r\n\r\n'];
    let connections = 0;
    const server = await rawServer((socket) => {
      connections++;
      requestsOf((to, index) => {
        if (index === 0) inPieces(to, ['HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n', ...chunked(USER_JSON)]);
        if (index === 1) inPieces(to, ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n', `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${USER_JSON.length}\r\n\r\n${USER_JSON}`]);
        if (index === 2) inPieces(to, [`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n${many}`, `content-length: ${USER_JSON.length}\r\n\r\n`, USER_JSON]);
      })(socket);
    });
    const result = await s.test([s.file('forms.yml', lookups(3))], envFor(server.port));
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(String.raw`^\.\.\.\n\nOK: 1 scenario, 3 steps: 3 passed ${SUMMARY_TIME}\n$`));
    expect(result.code).toBe(0);
    expect(connections).toBe(1);
  });

  it('reads an HTTP/1.0 answer to the close, then opens a new connection for the next step', async () => {
    let connections = 0;
    const server = await rawServer((socket) => {
      connections++;
      requestsOf((to) => to.end(`HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n${USER_JSON}`))(socket);
    });
    const result = await s.test([s.file('one-oh.yml', lookups(2))], envFor(server.port));
    expect(result.stdout).toMatch(/^\.\.\n/);
    expect(result.code).toBe(0);
    expect(connections).toBe(2);
  });

  it("shows every header line of a failed step's answer, in the order the server sent them", async () => {
    const many = Array.from({ length: 40 }, (_, i) => `x-h${i}: ${i}\r\n`).join('');
    const body = '{"error":"no such user"}';
    const server = await rawServer(requestsOf((to) => inPieces(to, [`HTTP/1.1 404 Nobody Here\r\ncontent-type: application/json\r\n${many}`, `content-length: ${body.length}\r\n\r\n${body}`])));
    const result = await s.test([s.file('head.yml', lookups(1))], envFor(server.port));
    expect(result.code).toBe(8);
    const head = Array.from({ length: 40 }, (_, i) => `   < x-h${i}: ${i}\n`).join('');
    expect(result.stdout).toContain(`   < HTTP/1.1 404 Not Found\n   < content-type: application/json\n${head}   < content-length: ${body.length}\n`);
  });

  it('says what a single call says of an answer that is not HTTP, and of one cut before its end', async () => {
    const notHttp = await rawServer(requestsOf((to) => to.end('SSH-2.0-OpenSSH_9.2\r\n')));
    const cut = await rawServer(requestsOf((to) => to.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"id":`)));
    for (const server of [notHttp, cut]) {
      const single = await runMain(['getUserByEmail', '--email', 'w0@example.com'], envFor(server.port));
      const run = await s.test([s.file('fault.yml', 'steps:\n  - call: createUser\n    params: { email: "w0@example.com" }\n')], envFor(server.port));
      const said = single.stderr.replace(/^oneoffice: /, '').trimEnd();
      expect(said).toMatch(/not HTTP\/1\.1 \(HPE_INVALID_CONSTANT\)|was reset$/);
      expect(run.stdout).toContain(`   no answer: ${said}\n`);
      expect(run.code).toBe(single.code);
    }
  });
});
