// Every command the README shows, run as a user would paste it: each ```sh block as one bash script
// (and the `$ ` lines of each ```console block), with `oneoffice` on PATH, against the local server.
// A command that fails is reported with its exit code; only the failures the README itself shows
// are expected. A doc example that stops working fails here.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from 'oneoffice';
import { BIN, HANG_MS, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/** Failures the README shows on purpose: a part of the command, and the exit code it shows. */
const SHOWN_FAILURES: Array<[string, number]> = [
  ['--licences 20', 2], // the opening example of a typo
  ['--max-tme 5', 2], // a misspelled option
  ['createUser --email test1@oneoffice.bh', 4], // the duplicate e-mail, once the user exists
  ['--profile staging', 6], // staging.example is a placeholder host: it does not resolve
  ['listOrders --customer ABC', 4], // the local server has no listOrders method: it answers 400
];

/**
 * A long-running command is stopped with Ctrl-C once it has started (its first line is out), as a
 * user would; it must then stop cleanly (exit 0). Its default port may be taken on a test machine,
 * so it gets any free one.
 */
function stoppable(script: string): string {
  return script.replace(/^oneoffice mock\b([^&\n]*)$/gm, (_line, text: string) => {
    const rest = text.replace(/\s+#.*$/, '');
    const command = `oneoffice mock${rest.includes('--port') ? '' : ' --port 0'}${rest}`;
    return `coproc MOCK { exec ${command}; }; read -r _ <&"\${MOCK[0]}"; kill -INT "$MOCK_PID"; wait "$MOCK_PID"`;
  });
}

interface Block {
  line: number;
  kind: 'sh' | 'console';
  script: string;
}

function readmeBlocks(): Block[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks: Block[] = [];
  const fence = /^```(sh|console)\n([\s\S]*?)^```$/gm;
  for (const match of readme.matchAll(fence)) {
    const kind = match[1] as 'sh' | 'console';
    const body = match[2] as string;
    const script = kind === 'sh' ? body : body.split('\n').filter((line) => line.startsWith('$ ')).map((line) => line.slice(2)).join('\n');
    // Blocks that run oneoffice (not those that only mention it, such as the docs' curl line).
    if (/(^|\n|\| )oneoffice /.test(script)) blocks.push({ line: readme.slice(0, match.index).split('\n').length, kind, script: stoppable(script) });
  }
  return blocks;
}

let mock: MockServer;
let work: string;
let bin: string;
beforeAll(async () => {
  mock = await startMockServer();
  work = tempDir('readme');
  bin = join(work, 'bin');
  mkdirSync(bin);
  symlinkSync(BIN, join(bin, 'oneoffice'));
  // What the examples' inputs would hold.
  writeFileSync(join(bin, 'generate-calls'), '#!/bin/sh\necho \'{"method":"createUser","params":{"email":"generated@example.com"}}\'\n');
  chmodSync(join(bin, 'generate-calls'), 0o755);
});
afterAll(async () => {
  await mock.close();
  rmSync(work, { recursive: true, force: true });
});

interface Failure {
  command: string;
  code: number;
}

/** Runs a block in bash; every command that exits non-zero is reported by an ERR trap. */
function runBlock(block: Block, home: string): Promise<{ failures: Failure[]; output: string }> {
  const script = `trap 'printf "%s\\t%s\\n" "$?" "$BASH_COMMAND" >&3' ERR\n${block.script}\nwait\n`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      cwd: home,
      env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ONEOFFICE_URL: mock.url, ONEOFFICE_BEARER: mock.token },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      // Its own process group, so that a block that hangs is stopped with everything it started.
      detached: true,
    });
    let output = '';
    let traps = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (traps += chunk.toString()));
    child.stdin?.end('typed-token-from-stdin-0123456789\n');
    const timer = setTimeout(() => {
      process.kill(-(child.pid as number), 'SIGKILL');
      reject(new Error(`README block at line ${block.line} did not finish:\n${output}`));
    }, HANG_MS);
    child.on('close', () => {
      clearTimeout(timer);
      const failures = traps
        .split('\n')
        .filter(Boolean)
        .map((line) => ({ code: Number(line.split('\t')[0]), command: line.split('\t').slice(1).join('\t') }));
      resolve({ failures, output });
    });
  });
}

function fixtures(home: string): void {
  writeFileSync(join(home, 'users.ndjson'), '{"method":"createUser","params":{"email":"ndjson@example.com"}}\n');
  writeFileSync(join(home, 'users.csv'), 'email,display-name\ncsv@example.com,From CSV\n');
  writeFileSync(join(home, 'order.json'), '{"customer":"ABC","id":"ORD9","product":"oo-lite","licenses":20,"duration":"monthly"}');
  writeFileSync(join(home, 'user.json'), '{"email":"file@example.com"}');
  // The smoke check the CI recipe runs.
  cpSync(join(ROOT, 'examples'), join(home, 'examples'), { recursive: true });
}

describe('every command the README shows', () => {
  const blocks = readmeBlocks();
  it('finds the README examples', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  it.each(blocks.map((block) => [block.line, block] as const))('the %s block at that README line runs as shown', async (_line, block) => {
    const home = mkdtempSync(join(work, 'home-'));
    fixtures(home);
    const { failures, output } = await runBlock(block, home);
    const unexpected = failures.filter((failure) => !SHOWN_FAILURES.some(([part, code]) => failure.command.includes(part) && failure.code === code));
    expect({ unexpected, output: unexpected.length ? output : '' }).toEqual({ unexpected: [], output: '' });
  });
});
