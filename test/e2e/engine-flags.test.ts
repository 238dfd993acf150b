// V8's flags are the process's, so only the CLI's own process may set them (batch, test and a
// proxied call keep undici's WebAssembly parser on the baseline compiler): a program that imports
// the library keeps the flags it started with, direct or through a proxy, on success or failure.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, ROOT } from '../helpers/cli.js';
import { useMock } from '../helpers/mock-server.js';
import { tempDir } from '../helpers/temp.js';

const TRACER = fileURLToPath(new URL('../helpers/trace-v8-flags.cjs', import.meta.url));
const LIBRARY = pathToFileURL(join(ROOT, 'dist', 'index.js')).href;

/** The V8 flags a node process set while running `args`, with the tracer preloaded. */
function flagsSetBy(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string; flags: string[] } {
  const trace = join(tempDir('v8-flags'), 'flags.txt');
  writeFileSync(trace, '');
  const run = spawnSync(process.execPath, ['--require', TRACER, ...args], { env: { ...env, TRACE_V8_FLAGS: trace }, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, flags: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
}

describe('V8 flags', () => {
  const mock = useMock();

  it('the CLI sets them for a call through a proxy (the tracer sees what the process sets)', () => {
    const result = flagsSetBy([BIN, 'getUserByEmail', '--email', 'a@b.co', '--proxy', 'http://127.0.0.1:1', '--retry', '0'], isolatedEnv({ ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: mock.token }));
    expect(result.stderr).toBe('oneoffice: cannot connect to proxy 127.0.0.1:1: connection refused\n');
    expect(result.status).toBe(6);
    expect(result.flags).toEqual(['--liftoff-only']);
  });

  it('a program using the library sets none: a call direct, a call through a proxy, a mock server', () => {
    const script = join(tempDir('library'), 'use.mjs');
    writeFileSync(
      script,
      `import { createClient, startMockServer } from ${JSON.stringify(LIBRARY)};
const own = await startMockServer({ token: 'library-token-0123456789' });
const direct = createClient({ url: own.url, token: 'library-token-0123456789' });
const user = await direct.createUser({ email: 'flags@example.com' });
const proxied = createClient({ url: own.url, token: 'library-token-0123456789', proxy: 'http://127.0.0.1:1' });
const failed = await proxied.getUserByEmail({ email: 'flags@example.com' }).then(() => 'answered', (error) => error.code);
await own.close();
console.log(JSON.stringify({ email: user.email, failed }));
`,
    );
    const result = flagsSetBy([script], isolatedEnv());
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ email: 'flags@example.com', failed: 'E_PROXY_CONNECT' });
    expect(result.flags).toEqual([]);
  });
});
