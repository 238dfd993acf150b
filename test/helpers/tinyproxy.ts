// A real HTTP proxy for the tests: tinyproxy (Debian's package), on a free port. Absent where it
// cannot be installed; the tests that need it then skip, saying why.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tinyproxyAvailable(): boolean {
  return spawnSync('tinyproxy', ['-v'], { stdio: 'ignore' }).status === 0;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Proxy {
  url: string;
  port: number;
  stop(): void;
}

export async function startTinyproxy(): Promise<Proxy> {
  const dir = mkdtempSync(join(tmpdir(), 'oneoffice-tinyproxy-'));
  const port = await freePort();
  const config = join(dir, 'tinyproxy.conf');
  // No ConnectPort line: CONNECT is allowed to any port (the test servers' ports are random).
  writeFileSync(config, [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 30', 'Allow 127.0.0.1', 'LogLevel Error', `LogFile "${join(dir, 'log')}"`, 'MaxClients 20', ...(process.getuid?.() === 0 ? ['User root', 'Group root'] : [])].join('\n'));
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', config], { stdio: 'ignore' });
  // Wait until it accepts connections.
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return { url: `http://127.0.0.1:${port}`, port, stop: () => child.kill('SIGKILL') };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error('tinyproxy did not start');
}
