// What the benchmarks share: `oneoffice mock` started as a process of its own (the client under
// test is another process; a server in the bench's own process would compete with it for the
// event loop), ready once it prints its settings line.
import { spawn } from 'node:child_process';

/**
 * Stops a mock (or any child) and resolves once it has exited: a process writes V8's code cache
 * into its HOME as it exits, so removing that HOME before the exit races it (ENOTEMPTY).
 */
export function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  return exited;
}

/**
 * Starts `node BIN mock` on a free loopback port with TOKEN, quiet unless `log` (then its call log
 * is child.stderr), with more `args`. Resolves with { url, child } once its first stdout line names
 * the URL, or null when it exits before.
 */
export function startMockProcess({ node, bin, token, env, args = [], log = false }) {
  return new Promise((resolve) => {
    const child = spawn(node, [bin, 'mock', '--port', '0', '--token', token, ...(log ? [] : ['--quiet']), ...args], { env, stdio: ['ignore', 'pipe', log ? 'pipe' : 'inherit'] });
    let buffered = '';
    child.on('exit', () => resolve(null));
    child.stdout.on('data', (data) => {
      buffered += data;
      if (!buffered.includes('\n')) return;
      const match = /ONEOFFICE_URL='?([^'\s]+)'?/.exec(buffered.split('\n')[0]);
      child.stdout.removeAllListeners('data').resume();
      resolve(match ? { url: match[1], child } : null);
    });
  });
}
