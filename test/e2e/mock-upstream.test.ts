// `oneoffice mock --upstream`, `--record` and `--replay` as real processes: a second `oneoffice mock`
// (or a recording server that breaks the response schema) plays the real API; the client is the CLI.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { apiCall, killMockProcesses, runCliAgainst, startMockProcess, type MockProcess } from '../helpers/mock-process.js';
import { refusedPort, startRecordingServer } from '../helpers/server.js';
import { makeCa, makeSignedCertificate, startMutualTlsServer } from '../helpers/tls.js';
import { tempDir } from '../helpers/temp.js';

const UPSTREAM_TOKEN = 'upstream-secret-token-0123456789';
const FRONT_TOKEN = 'front-token-abcdef';
const dir = tempDir('upstream');
const upstreamEnv = () => isolatedEnv({ ONEOFFICE_BEARER: UPSTREAM_TOKEN });

let upstream: MockProcess;
beforeAll(async () => {
  upstream = await startMockProcess(['--port', '0', '--token', UPSTREAM_TOKEN]);
});
afterAll(killMockProcesses);

/** A mock in front of `url`, its token for the upstream from $ONEOFFICE_BEARER. */
function front(url: string, ...args: string[]): Promise<MockProcess> {
  return startMockProcess(['--port', '0', '--token', FRONT_TOKEN, '--upstream', url, ...args], upstreamEnv());
}

describe('mock --upstream', () => {
  it("forwards calls with the upstream's token; the client, the log and the answer never show it", async () => {
    const mock = await front(upstream.url);
    const created = await runCliAgainst(mock, ['createUser', '--email', 'fwd@example.com', '--display-name', 'Forwarded']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ email: 'fwd@example.com', displayName: 'Forwarded' });
    // The upstream has the user: the call reached it, with its own token (it refuses any other).
    const raw = await apiCall(mock, 'getUserByEmail', { email: 'fwd@example.com' });
    expect(raw.status).toBe(200);
    expect(JSON.stringify(raw.headers)).not.toContain(UPSTREAM_TOKEN);
    expect(raw.body).not.toContain(UPSTREAM_TOKEN);
    // The mock's own token is required; the upstream's is no good here.
    const wrong = await apiCall({ url: mock.url, token: UPSTREAM_TOKEN }, 'getUserByEmail', { email: 'fwd@example.com' });
    expect(wrong.status).toBe(401);
    expect(await mock.stop()).toBe(0);
    expect(mock.stderr()).not.toContain(UPSTREAM_TOKEN);
    expect(mock.stderr()).toContain(`passing calls on to ${new URL(upstream.url).host}`);
    expect(mock.stderr()).toContain('oneoffice mock: drift: none in 2 answers\n');
    expect(created.stderr).toBe('');
  });

  it('answers a bad call itself (400) and never forwards it', async () => {
    const server = await startRecordingServer();
    try {
      const mock = await front(server.url);
      const bad = await apiCall(mock, 'createUser', { email: 'not-an-email' });
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body)).toBe('"email": must be an e-mail address (got "not-an-email")');
      const unknown = await apiCall(mock, 'createUsr', { email: 'a@example.com' });
      expect(unknown.status).toBe(400);
      expect(server.received).toEqual([]);
      // A good one is forwarded, as the API's body, with the upstream's token.
      expect((await apiCall(mock, 'getUserByEmail', { email: 'a@example.com' })).status).toBe(200);
      expect(server.received.map((request) => [request.headers['x-api-key'], request.body])).toEqual([[UPSTREAM_TOKEN, '{"method":"getUserByEmail","params":{"email":"a@example.com"}}']]);
      await mock.stop();
    } finally {
      await server.close();
    }
  });

  it('reports drift from the response schema on stderr and passes the answer on unchanged, with a summary at stop', async () => {
    const server = await startRecordingServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": true,  "email": "drift@example.com", "instance": 1, "displayName": "D", "isActive": true, "isAdmin": false, "profile": {}}');
    });
    try {
      const mock = await front(server.url);
      const answer = await apiCall(mock, 'getUserByEmail', { email: 'drift@example.com' });
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('{"id": true,  "email": "drift@example.com", "instance": 1, "displayName": "D", "isActive": true, "isAdmin": false, "profile": {}}');
      await apiCall(mock, 'getUserByEmail', { email: 'drift@example.com' });
      expect(await mock.stop()).toBe(0);
      const lines = mock.stderr().split('\n').filter((line) => line.includes('drift'));
      expect(lines).toEqual([
        'oneoffice mock: drift: getUserByEmail (200): body.id: must be an integer (got true)',
        'oneoffice mock: drift: getUserByEmail (200): body.id: must be an integer (got true)',
        'oneoffice mock: drift: 2 of 2 answers differed from the schemas (getUserByEmail 2)',
      ]);
    } finally {
      await server.close();
    }
  });

  it('a drift report of an error answer that is not a JSON string', async () => {
    const server = await startRecordingServer((_request, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end('{"error":"forbidden"}');
    });
    try {
      const mock = await front(server.url, '--quiet');
      expect((await apiCall(mock, 'getUserByEmail', { email: 'x@example.com' })).body).toBe('{"error":"forbidden"}');
      await mock.stop();
      expect(mock.stderr()).toBe('oneoffice mock: drift: getUserByEmail (403): an error answer must be a JSON string (got an object)\noneoffice mock: drift: 1 of 1 answer differed from the schemas (getUserByEmail 1)\n');
    } finally {
      await server.close();
    }
  });

  it('answers 502 naming the upstream when it cannot be reached', async () => {
    const url = `http://127.0.0.1:${await refusedPort()}/`;
    const mock = await front(url, '--connect-timeout', '5');
    const answer = await apiCall(mock, 'getUserByEmail', { email: 'x@example.com' });
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toBe(`upstream ${new URL(url).host}: cannot connect to ${new URL(url).host}: connection refused`);
    await mock.stop();
  });

  it('reaches an https upstream as single calls do: --cacert to trust it, --cert/--key when it requires a client certificate', async () => {
    const ca = makeCa();
    const server = await startMutualTlsServer(ca, makeSignedCertificate(ca, 'upstream-server'));
    const client = makeSignedCertificate(ca, 'mock-as-client', { client: true });
    try {
      const mock = await front(server.url, '--cacert', ca.certPath, '--cert', client.certPath, '--key', client.keyPath);
      const answer = await apiCall(mock, 'getUserByEmail', { email: 'tls@example.com' });
      // The upstream answers with the name on the client certificate it was shown.
      expect(answer).toMatchObject({ status: 200, body: '{"client":"mock-as-client"}' });
      await mock.stop();
    } finally {
      server.close();
    }
  });

  it.each([
    [['--record', 'x.ndjson'], 'oneoffice: mock: --record needs --upstream <url> (it records the real API\'s answers)\n'],
    [['--replay', 'x.ndjson', '--upstream', 'http://127.0.0.1:9/'], 'oneoffice: mock: --replay and --upstream exclude each other (answers come from the recording or from the real API)\n'],
    [['--replay-match', 'email'], 'oneoffice: mock: --replay-match needs --replay <file>\n'],
    [['--proxy', 'http://127.0.0.1:3128'], 'oneoffice: mock: --proxy is for reaching --upstream <url>; give that too\n'],
    [['--upstream', 'ftp://x'], 'oneoffice: flag --upstream: must be an http:// or https:// URL (got "ftp:")\n'],
  ])('refuses %j with one line and exit 2', async (args, stderr) => {
    const result = await runCli(['mock', '--port', '0', ...args], { env: upstreamEnv() });
    expect(result).toEqual({ code: 2, stdout: '', stderr });
  });

  it('needs a token for the upstream (exit 3) and names where it looked', async () => {
    const result = await runCli(['mock', '--port', '0', '--upstream', upstream.url]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^oneoffice: no API token: looked in .*\n$/);
  });
});

describe('mock --record and --replay', () => {
  const recording = join(dir, 'smoke.ndjson');
  const through: Record<string, { status: number; body: string }> = {};

  it('records every exchange as NDJSON, mode 0600, secrets masked, never the token', async () => {
    const mock = await front(upstream.url, '--record', recording);
    through['created'] = await apiCall(mock, 'createUser', { email: 'rec@example.com', password: 'hunter2-secret' });
    through['duplicate'] = await apiCall(mock, 'createUser', { email: 'rec@example.com', password: 'other-secret' });
    through['read'] = await apiCall(mock, 'getUserByEmail', { email: 'rec@example.com' });
    // Written before the answer was passed on: all three lines are there while the mock still runs.
    const lines = readFileSync(recording, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    await mock.stop();
    expect(lines.map(({ method, params, status, headers }) => ({ method, params, status, headers }))).toEqual([
      { method: 'createUser', params: { email: 'rec@example.com', password: '****' }, status: 200, headers: { 'content-type': 'application/json' } },
      { method: 'createUser', params: { email: 'rec@example.com', password: '****' }, status: 400, headers: { 'content-type': 'application/json' } },
      { method: 'getUserByEmail', params: { email: 'rec@example.com' }, status: 200, headers: { 'content-type': 'application/json' } },
    ]);
    expect(lines.map((line) => line['body'])).toEqual([through['created']?.body, through['duplicate']?.body, through['read']?.body]);
    const text = readFileSync(recording, 'utf8');
    for (const secret of [UPSTREAM_TOKEN, FRONT_TOKEN, 'hunter2-secret', 'other-secret']) expect(text).not.toContain(secret);
    if (process.platform !== 'win32') expect(statSync(recording).mode & 0o777).toBe(0o600);
  });

  it('replays the recorded answers byte for byte, the same call again getting its next answer', async () => {
    const mock = await startMockProcess(['--port', '0', '--replay', recording]);
    const created = await apiCall(mock, 'createUser', { password: 'any-password', email: 'rec@example.com' });
    const duplicate = await apiCall(mock, 'createUser', { email: 'rec@example.com', password: 'any-password' });
    const again = await apiCall(mock, 'createUser', { email: 'rec@example.com', password: 'any-password' });
    const read = await apiCall(mock, 'getUserByEmail', { email: 'rec@example.com' });
    expect([created, duplicate, again, read].map(({ status, body }) => ({ status, body }))).toEqual([through['created'], through['duplicate'], through['duplicate'], through['read']].map((answer) => ({ status: answer?.status, body: answer?.body })));
    expect(created.headers['content-type']).toBe('application/json');
    expect(await mock.stop()).toBe(0);
  });

  it('answers an unrecorded call 404 naming the recording, so the client fails loudly', async () => {
    const mock = await startMockProcess(['--port', '0', '--replay', recording]);
    const result = await runCliAgainst(mock, ['getUserByEmail', '--email', 'other@example.com']);
    expect(result.code).toBe(4);
    const message = `not in the recording ${recording}: getUserByEmail with these params (email); it holds 1 call of getUserByEmail (--replay-match matches on chosen params only)`;
    expect(result.stderr).toBe(`oneoffice: server answered 404 Not Found: ${message}\n`);
    await mock.stop();
    expect(mock.stderr()).toContain(`oneoffice mock: replay: ${message}\n`);
    expect(mock.stderr()).toContain(`oneoffice mock: replay: 1 call was not in the recording ${recording}\n`);
  });

  it('--replay-match matches on the chosen params only', async () => {
    const file = join(dir, 'match.ndjson');
    writeFileSync(file, `${JSON.stringify({ method: 'createCustomer', params: { id: 'C1', name: 'Old name', admin: { email: 'a@example.com' } }, status: 200, headers: { 'content-type': 'application/json' }, body: '{"remoteId":"C1"}', durationMs: 1 })}\n`);
    const strict = await startMockProcess(['--port', '0', '--replay', file]);
    const call = { id: 'C1', name: 'New name', admin: { email: 'b@example.com' } };
    expect((await apiCall(strict, 'createCustomer', call)).status).toBe(404);
    await strict.stop();
    const relaxed = await startMockProcess(['--port', '0', '--replay', file, '--replay-match', 'id']);
    expect(await apiCall(relaxed, 'createCustomer', call)).toMatchObject({ status: 200, body: '{"remoteId":"C1"}' });
    expect((await apiCall(relaxed, 'createCustomer', { ...call, id: 'C2' })).status).toBe(404);
    await relaxed.stop();
  });

  it('refuses a recording with broken lines, naming each line (exit 2, nothing served)', async () => {
    const file = join(dir, 'broken.ndjson');
    writeFileSync(file, '{"method":"createUser"}\nnot json\n');
    const result = await runCli(['mock', '--port', '0', '--replay', file]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `oneoffice: --replay ${file}:1: "params" must be a JSON object\noneoffice: --replay ${file}:2: not valid JSON (at position 1)\n` });
  });
});

describe('the README recipe: record a smoke run against staging once, replay it in CI', () => {
  it('oneoffice test passes against the replayed recording as it did through --upstream', async () => {
    const file = join(dir, 'smoke-recipe.ndjson');
    const ids = join(dir, 'smoke-ids.yml');
    writeFileSync(ids, 'customer: SMOKE-1\norder: ORD-1\nadmin: admin-1@example.com\nemail: smoke-1@example.com\n');
    const staging = await startMockProcess(['--port', '0', '--token', UPSTREAM_TOKEN]);
    const recorder = await front(staging.url, '--record', file);
    const recorded = await runCliAgainst(recorder, ['test', 'examples/smoke', '--vars-file', ids]);
    expect(recorded.code).toBe(0);
    await recorder.stop();
    await staging.stop();
    const replay = await startMockProcess(['--port', '0', '--replay', file]);
    const replayed = await runCliAgainst(replay, ['test', 'examples/smoke', '--vars-file', ids]);
    expect(replayed.stderr).toBe('');
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain('passed');
    await replay.stop();
    expect(replay.stderr()).not.toContain('not in the recording');
  });
});
