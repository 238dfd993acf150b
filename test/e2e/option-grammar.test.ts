// One option grammar for every command (issue 14), for `oneoffice mock`: --port before the command
// word, after it and as --port=value, each a real mock process whose first line says where it
// listens. The other commands' placements run in this process: test/unit/option-grammar.test.ts.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, HANG_MS, isolatedEnv, ROOT } from '../helpers/cli.js';

const PLACEMENTS = ['before the command word', 'after the command word', 'as --name=value'];

describe('mock', () => {
  it.each(PLACEMENTS.map((name) => [name]))('takes --port %s', async (placement) => {
    const args = placement === 'before the command word' ? ['--port', '0', 'mock'] : placement === 'after the command word' ? ['mock', '--port', '0'] : ['mock', '--port=0'];
    expect(await firstLine(args)).toMatch(/^export ONEOFFICE_URL=http:\/\/127\.0\.0\.1:\d+\/ ONEOFFICE_BEARER=\S+$/);
  });
});

/** Starts `oneoffice <args>`, returns its first line on stdout once it has stopped (it writes its code cache as it exits). */
function firstLine(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: isolatedEnv(), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no first line from oneoffice ${args.join(' ')}: ${err}`));
    }, HANG_MS);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      child.kill('SIGTERM');
      child.once('close', () => resolve(out.slice(0, out.indexOf('\n'))));
    });
  });
}
