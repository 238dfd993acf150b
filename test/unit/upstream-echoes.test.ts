// `oneoffice mock --upstream` in front of an upstream that quotes back what it was sent: the upstream's
// token (escaped as PHP's JSON writes `/`, `\/`) never reaches the mock's client, its log or the
// recording, and a secret param (a password) never reaches the log or the recording. The backend and
// the mock's server in this process, a recording server on 127.0.0.1 playing the upstream.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinSchemas } from '../../src/generated/builtin.js';
import { createRegistry } from '../../src/api/schema/registry.js';
import { resolveNetwork } from '../../src/config/network.js';
import { FLAG_NAMES } from '../../src/options/network-flags.js';
import { Recording } from '../../src/mock/record.js';
import { upstreamBackend } from '../../src/mock/upstream.js';
import { apiCall } from '../helpers/mock-process.js';
import { startMock } from '../helpers/mock-server.js';
import { useCleanups, useRecordingServer, type Responder } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const UPSTREAM_TOKEN = 'upstream/token-0123456789-abcd';
const PASSWORD = 'Hunter2/echoed-by-upstream';
const rec = useRecordingServer(() => ({}));
const cleanups = useCleanups();

/** As PHP's json_encode writes a string: `/` as `\/`. */
const php = (text: string) => JSON.stringify(text).replace(/\//g, '\\/');

/** Refuses the call, quoting the key and the password it got, each escaped as PHP writes JSON. */
const quotesBack: Responder = (request, res) => {
  const { params } = JSON.parse(request.body) as { params: { password?: string } };
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(php(`key ${String(request.headers['x-api-key'])} may not set ${params.password ?? ''}`));
};

async function frontOf(recordTo: string, through: { proxy?: string } = {}) {
  const url = new URL(through.proxy ? 'http://127.0.0.1:9/api' : rec.server.url);
  const reported: string[] = [];
  const backend = await upstreamBackend({
    url,
    token: UPSTREAM_TOKEN,
    network: resolveNetwork(through, FLAG_NAMES, {}, {}, url, false),
    registry: createRegistry(builtinSchemas, undefined, []),
    report: (line) => void reported.push(line),
    recording: await Recording.open(recordTo),
  });
  const mock = await startMock({ backend });
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= mock.close());
  cleanups.defer(close);
  return { ...mock, close, reported };
}

describe('mock --upstream, an upstream quoting back what it was sent', () => {
  it("gives the client the answer with the upstream's token masked however it is escaped, and the password it sent as it came", async () => {
    rec.server.respond(quotesBack);
    const mock = await frontOf(join(tempDir('upstream-echo'), 'rec.ndjson'));
    const answer = await apiCall(mock, 'resetPasswordByEmail', { email: 'a@b.co', password: PASSWORD });
    expect(rec.server.received[0]?.headers['x-api-key']).toBe(UPSTREAM_TOKEN);
    expect(answer.status).toBe(400);
    expect(answer.body).toBe(php(`key **** may not set ${PASSWORD}`));
  });

  it('keeps the token and the password out of its log line and its recording, however they are escaped', async () => {
    rec.server.respond(quotesBack);
    const recording = join(tempDir('upstream-echo'), 'rec.ndjson');
    const mock = await frontOf(recording);
    await apiCall(mock, 'resetPasswordByEmail', { email: 'a@b.co', password: PASSWORD });
    await mock.close();
    expect(mock.log()).toEqual([expect.stringMatching(/^resetPasswordByEmail 400 \d+\.\dms: "key \*\*\*\* may not set \*\*\*\*"$/)]);
    const [line] = readFileSync(recording, 'utf8').trimEnd().split('\n').map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(line).toMatchObject({ method: 'resetPasswordByEmail', params: { email: 'a@b.co', password: '****' }, status: 400, body: '"key **** may not set ****"' });
  });

  it("keeps the password of the proxy it reaches the upstream through out of what its client gets, its log and its recording", async () => {
    // The recording server plays the proxy: the plain http:// call goes to it whole, with Proxy-Authorization.
    rec.server.respond((request, res) => {
      const credential = String(request.headers['proxy-authorization']).replace(/^Basic /, '');
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify(`proxy: no entry for ${credential}, password ${Buffer.from(credential, 'base64').toString().split(':')[1] ?? ''}`));
    });
    const recording = join(tempDir('upstream-echo'), 'rec.ndjson');
    const mock = await frontOf(recording, { proxy: `http://proxy-user:proxy-pass-4242@127.0.0.1:${rec.server.port}` });
    const answer = await apiCall(mock, 'getUserByEmail', { email: 'a@b.co' });
    await mock.close();
    expect(rec.server.received[0]?.headers['proxy-authorization']).toBe(`Basic ${Buffer.from('proxy-user:proxy-pass-4242').toString('base64')}`);
    expect([answer.status, answer.body]).toEqual([403, '"proxy: no entry for ****, password ****"']);
    expect(mock.log()).toEqual([expect.stringMatching(/^getUserByEmail 403 \d+\.\dms: "proxy: no entry for \*\*\*\*, password \*\*\*\*"$/)]);
    expect(readFileSync(recording, 'utf8')).not.toContain('proxy-pass-4242');
  });

  it('keeps the password out of the drift line that quotes an answer breaking the response schema', async () => {
    // resetPasswordByEmail answers `true`; this upstream answers a text quoting the password.
    rec.server.respond((request, res) => {
      const { params } = JSON.parse(request.body) as { params: { password: string } };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(php(`password ${params.password} set`));
    });
    const mock = await frontOf(join(tempDir('upstream-echo'), 'rec.ndjson'));
    await apiCall(mock, 'resetPasswordByEmail', { email: 'a@b.co', password: PASSWORD });
    await mock.close();
    expect(mock.reported).toContain('drift: resetPasswordByEmail (200): body: must be true (got "password **** set")');
    expect(mock.reported.join('\n')).not.toContain('Hunter2');
  });
});
