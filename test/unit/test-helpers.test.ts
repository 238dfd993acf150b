// The shared test helpers keep their promises: a wait that never comes true fails naming what it
// waited for (rather than hanging the suite), temporary files land under the run's directory, what
// a test opens is closed after it, the refused port refuses, and the hurried clock runs 1.5 times fast.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { hurriedClock } from '../helpers/clock.js';
import { refusedPort, useCleanups } from '../helpers/server.js';
import { tempDir, tempFile } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

/** How a connection to 127.0.0.1:port ends: 'connected' or the error's code. */
function connectTo(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('waitFor', () => {
  it('resolves once the condition holds, sync or async', async () => {
    let calls = 0;
    await waitFor(() => ++calls >= 3, 'the third call', { intervalMs: 1 });
    expect(calls).toBe(3);
    await waitFor(async () => true, 'an async yes');
  });

  it('fails naming what it waited for when the condition never holds', async () => {
    await expect(waitFor(() => false, 'the mock to log "createUser 400"', { timeoutMs: 0 })).rejects.toThrow('timed out after 0 ms waiting for the mock to log "createUser 400"');
  });
});

describe('tempDir and tempFile', () => {
  it('make fresh paths under the run\'s temporary directory, named by their prefix', () => {
    const dir = tempDir('helpers');
    expect(dir.startsWith(tmpdir())).toBe(true);
    expect(dir).toMatch(/oneoffice-helpers-[^/\\]+$/);
    expect(tempDir('helpers')).not.toBe(dir);
    const file = tempFile('helpers', 'format.txt', 'x=%{http_code}');
    expect(readFileSync(file, 'utf8')).toBe('x=%{http_code}');
  });
});

describe('useCleanups', () => {
  const { defer, rawServer } = useCleanups();
  const ran: string[] = [];
  let clientClosed: Promise<void> | undefined;

  it('opens a raw server for the test, and takes cleanups to run after it', async () => {
    const server = await rawServer(() => undefined);
    // A connection the server holds: closing the server ends it (its port is not probed again: another worker may have it by then).
    const client = connect(server.port, '127.0.0.1', () => void client.write('x'));
    clientClosed = new Promise((resolve) => client.once('close', () => resolve()));
    client.on('error', () => undefined);
    await waitFor(() => server.requests() === 1, 'the raw server to take the connection');
    defer(() => void ran.push('first deferred'));
    defer(() => void ran.push('second deferred'));
  });

  it('has closed them by the next test, the last deferred first', async () => {
    expect(ran).toEqual(['second deferred', 'first deferred']);
    await clientClosed;
  });
});

describe('refusedPort', () => {
  it('is a port where a connection is refused, the same each time', async () => {
    const port = await refusedPort();
    expect(await connectTo(port)).toBe('ECONNREFUSED');
    expect(await refusedPort()).toBe(port);
  });
});

describe('hurriedClock', () => {
  it('counts 1.5 ms for each real millisecond from when it was made', () => {
    const real = vi.spyOn(performance, 'now').mockReturnValue(1000);
    try {
      const now = hurriedClock();
      expect(now()).toBe(1000);
      real.mockReturnValue(3000);
      expect(now()).toBe(4000);
    } finally {
      real.mockRestore();
    }
  });
});
