// `oneoffice mock` as a real child process, plus raw HTTP calls to it (for what the CLI cannot
// send: other HTTP methods, broken bodies, many calls at once).
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type Agent } from 'node:http';
import { BIN, HANG_MS, isolatedEnv, ROOT, runCli, type RunResult } from './cli.js';

export interface MockProcess {
  url: string;
  token: string;
  /** The first line the mock printed on stdout. */
  startLine: string;
  child: ChildProcess;
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** Sends the signal and resolves with the exit code once the process has exited and its output is all read. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The mocks not yet closed, each with its promise of closing. */
const running = new Map<ChildProcess, Promise<unknown>>();

/** Starts `oneoffice mock <args>` and waits for its startup line. */
export function startMockProcess(args: string[], env: Record<string, string> = isolatedEnv()): Promise<MockProcess> {
  // On Windows the mock prints for PowerShell or cmd by default; this helper reads the sh line.
  const print = process.platform === 'win32' && !args.includes('--print') ? ['--print', 'sh'] : [];
  const child = spawn(process.execPath, [BIN, 'mock', ...args, ...print], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // 'close', not 'exit': at 'exit' the last lines the mock wrote as it stopped (`stopped`, the drift
  // summary) may still be on their way through the pipe (Node's documentation says so), and the
  // tests read them right after stop().
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  running.set(child, exited);
  void exited.then(() => running.delete(child));
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mock did not start in ${HANG_MS} ms\nstderr: ${stderr}`)), HANG_MS);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`mock exited with ${code} before starting\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      const startLine = stdout.slice(0, newline);
      const match = /^export ONEOFFICE_URL=(\S+) ONEOFFICE_BEARER=(\S+)$/.exec(startLine);
      if (!match) return reject(new Error(`unexpected startup line: ${startLine}`));
      resolve({
        url: match[1] as string,
        token: match[2] as string,
        startLine,
        child,
        stderr: () => stderr,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    });
  });
}

/** Kills every mock process still running (for afterEach/afterAll). */
export async function killMockProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(([child, closed]) => {
      child.kill('SIGKILL');
      return closed;
    }),
  );
}

/** The CLI with ONEOFFICE_URL and ONEOFFICE_BEARER pointing at the mock. */
export function runCliAgainst(mock: { url: string; token: string }, args: string[], token = mock.token): Promise<RunResult> {
  return runCli(args, { env: isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: token }) });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawCall {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  path?: string;
  agent?: Agent;
}

export function rawCall(baseUrl: string, call: RawCall = {}): Promise<RawResponse> {
  const url = new URL(call.path ?? '/', baseUrl);
  // Node sends a GET body without framing unless told its length.
  const length = call.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(call.body)) };
  const headers = { 'content-type': 'application/json', ...length, ...call.headers };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: call.method ?? 'GET', headers, ...(call.agent ? { agent: call.agent } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

/** A well-formed API call with the mock's token. */
export function apiCall(mock: { url: string; token: string }, method: string, params: Record<string, unknown>, agent?: Agent): Promise<RawResponse> {
  return rawCall(mock.url, { headers: { 'x-api-key': mock.token }, body: JSON.stringify({ method, params }), ...(agent ? { agent } : {}) });
}
