// Issue 13, item 6 (and 25): `oneoffice mock --state` keeps what it acknowledged through kill -9,
// cleans up what a killed mock left, refuses a second mock on the same file, and keeps its files
// private (0600). Item 23: --host 0.0.0.0 prints a URL the client accepts. The mock runs as a
// real process; calls are raw HTTP or the CLI.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { apiCall, killMockProcesses, runCliAgainst, startMockProcess } from '../helpers/mock-process.js';
import { tempDir } from '../helpers/temp.js';

afterEach(killMockProcesses);

const TOKEN = 'durable-token-0123456789';

function stateIn(): { dir: string; statePath: string } {
  const dir = tempDir('mock-durable');
  return { dir, statePath: join(dir, 'state.json') };
}

describe('mock --state', () => {
  it('every create answered 200 survives kill -9 under load', async () => {
    const { dir, statePath } = stateIn();
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--state', statePath, '--quiet']);
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const acknowledged: string[] = [];
    let killed = false;
    const TOTAL = 2000;
    const KILL_AFTER = 300;
    let next = 0;
    const worker = async () => {
      while (!killed && next < TOTAL) {
        const email = `durable${next++}@example.com`;
        try {
          const answer = await apiCall(mock, 'createUser', { email }, agent);
          if (answer.status === 200) acknowledged.push(email);
        } catch {
          return; // The mock is gone.
        }
        if (acknowledged.length >= KILL_AFTER && !killed) {
          killed = true;
          mock.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    agent.destroy();
    await new Promise<void>((resolve) => (mock.child.exitCode !== null || mock.child.signalCode !== null ? resolve() : mock.child.once('exit', () => resolve())));
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);
    const logMode = existsSync(`${statePath}.log`) ? statSync(`${statePath}.log`).mode & 0o777 : undefined;

    // A restart replays the log: every acknowledged user is there.
    const again = await startMockProcess(['--port', '0', '--token', TOKEN, '--state', statePath, '--quiet']);
    expect(await again.stop('SIGTERM')).toBe(0);
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { users: Array<{ email: string }> };
    const stored = new Set(saved.users.map((user) => user.email));
    expect(acknowledged.filter((email) => !stored.has(email))).toEqual([]);
    expect(logMode).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
  });

  it('temporary files a killed mock left are removed at start', async () => {
    const { dir, statePath } = stateIn();
    writeFileSync(join(dir, '.state.json.4242.0badc0de.tmp'), '{"version":1');
    writeFileSync(join(dir, 'unrelated.tmp'), 'kept');
    const mock = await startMockProcess(['--port', '0', '--token', TOKEN, '--state', statePath, '--quiet']);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual(['unrelated.tmp']);
    expect(await mock.stop('SIGTERM')).toBe(0);
  });

  it('a second mock on the same state file is refused (exit 3, naming the file and the first mock)', async () => {
    const { statePath } = stateIn();
    const first = await startMockProcess(['--port', '0', '--token', TOKEN, '--state', statePath, '--quiet']);
    expect((await apiCall(first, 'createUser', { email: 'first@example.com' })).status).toBe(200);
    const second = await runCli(['mock', '--port', '0', '--state', statePath]);
    expect(second).toEqual({
      code: 3,
      stdout: '',
      stderr: `oneoffice: state file ${statePath} is in use by process ${first.child.pid} (another oneoffice mock): stop it, or choose another --state file\n`,
    });
    // The first one's data is intact, and kept when it stops.
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(readFileSync(statePath, 'utf8')).toContain('first@example.com');
    expect(existsSync(`${statePath}.lock`)).toBe(false);
  });
});

describe('mock --host 0.0.0.0', () => {
  it('prints a loopback URL the client accepts, and says what other machines need', async () => {
    const mock = await startMockProcess(['--host', '0.0.0.0', '--port', '0', '--token', TOKEN, '--quiet'], isolatedEnv());
    const port = /:(\d+)\/$/.exec(mock.url)?.[1];
    expect(mock.startLine).toBe(`export ONEOFFICE_URL=http://127.0.0.1:${port}/ ONEOFFICE_BEARER=${TOKEN}`);
    const created = await runCliAgainst(mock, ['createUser', '--email', 'anywhere@example.com']);
    expect([created.code, created.stderr]).toEqual([0, '']);
    expect(mock.stderr()).toBe(
      `oneoffice: warning: listening on every interface (http://0.0.0.0:${port}/); the URL printed is for this machine. From another one, use http://<this machine's address>:${port}/ with --allow-insecure-http: the client refuses plain http:// to other hosts, as the token would cross the network in clear\n`,
    );
  });
});
