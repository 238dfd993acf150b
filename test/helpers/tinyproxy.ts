// A real HTTP proxy for the tests: tinyproxy (Debian's package), on a free port. Absent where it
// cannot be installed; the tests that need it then skip, saying why.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.js';

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
  // The port is free when asked for, but another worker's listen(0) may take it before tinyproxy
  // binds it: tinyproxy then exits (71), and a new port is tried. Whether it is up is read from its
  // own log, not from a connection, which could reach the other worker's server.
  for (let attempt = 1; ; attempt++) {
    const proxy = await tryTinyproxy(await freePort());
    if (proxy) return proxy;
    if (attempt === 5) throw new Error('tinyproxy did not start: each of 5 free ports was taken before it could listen');
  }
}

async function tryTinyproxy(port: number): Promise<Proxy | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'oneoffice-tinyproxy-'));
  const config = join(dir, 'tinyproxy.conf');
  const log = join(dir, 'log');
  // No ConnectPort line: CONNECT is allowed to any port (the test servers' ports are random).
  // LogLevel Info: the log then says when it listens.
  writeFileSync(config, [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 30', 'Allow 127.0.0.1', 'LogLevel Info', `LogFile "${log}"`, 'MaxClients 20', ...(process.getuid?.() === 0 ? ['User root', 'Group root'] : [])].join('\n'));
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', config], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  const listening = () => existsSync(log) && readFileSync(log, 'utf8').includes('Accepting connections');
  await waitFor(() => exited || listening(), `tinyproxy to listen on 127.0.0.1:${port}`);
  if (exited) return undefined;
  return { url: `http://127.0.0.1:${port}`, port, stop: () => child.kill('SIGKILL') };
}
