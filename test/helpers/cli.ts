// Spawns the built CLI (bin/oneoffice.cjs) as a real process, with a clean environment.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/oneoffice.cjs', import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  /** A hang guard, not a speed expectation (default HANG_MS). */
  timeoutMs?: number;
  /** Leave stdin open (as a terminal or an idle pipe would be) instead of ending it. */
  keepStdinOpen?: boolean;
}

/**
 * Variables a process cannot do without on Windows (SystemRoot: sockets and crypto; TEMP/TMP:
 * os.tmpdir(); ComSpec, PATHEXT: running programs), kept from the test's own environment.
 */
const SYSTEM_VARIABLES = ['SystemRoot', 'SYSTEMROOT', 'windir', 'TEMP', 'TMP', 'ComSpec', 'PATHEXT'];

/**
 * A fresh home per call unless given, so no developer config leaks into a test: HOME and
 * XDG_CONFIG_HOME, and on Windows USERPROFILE and APPDATA, all point into it.
 */
export function isolatedEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'oneoffice-home-'));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    USERPROFILE: home,
    APPDATA: join(home, 'AppData', 'Roaming'),
  };
  for (const name of SYSTEM_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/**
 * How long a process may take before the test gives up on it and says so: for a hung one, not a
 * measure of speed. Below vitest's 60 s test timeout, so this message, naming the command, wins; a
 * single call took up to ~5 s on a loaded machine (two engineers' suites beside stress-ng), and at
 * 15 s a busier one could fail a test that was only waiting for a core.
 */
export const HANG_MS = 45_000;

export function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: options.env ?? isolatedEnv(),
      cwd: options.cwd ?? ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`oneoffice ${args.join(' ')} did not finish in ${options.timeoutMs ?? HANG_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? HANG_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else if (!options.keepStdinOpen) child.stdin.end();
  });
}
