// Behaviour on a real terminal, through a pseudo-terminal made by util-linux `script`: the hidden
// token prompt, and pretty, coloured JSON.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, ROOT } from '../helpers/cli.js';
import { useRecordingServer } from '../helpers/server.js';

const TOKEN = 'tty-secret-token-0123456789';
const haveScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveScript) console.warn('SKIPPED: util-linux `script` is not installed; the terminal tests did not run');
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

/** Runs the CLI on a pseudo-terminal; `typed` is sent as keystrokes once it has started. */
function onTerminal(args: string[], env: Record<string, string>, typed?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const command = [process.execPath, BIN, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (typed !== undefined && output.includes('API token:')) {
        child.stdin.write(typed);
        typed = undefined;
      }
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe.skipIf(!haveScript)('on a terminal', () => {
  it('config set bearer asks with a hidden prompt', async () => {
    const env = isolatedEnv();
    const result = await onTerminal(['config', 'set', 'bearer'], env, `${TOKEN}\r`);
    expect(result.code).toBe(0);
    expect(result.output).toContain('API token:');
    expect(result.output).not.toContain(TOKEN);
    const config = JSON.parse(readFileSync(join(env['XDG_CONFIG_HOME']!, 'oneoffice', 'config.json'), 'utf8'));
    expect(config.profiles.default.bearer).toBe(TOKEN);
  });

  it('prints the body as pretty, coloured JSON', async () => {
    const result = await onTerminal(['getUserByEmail', '--email', 'a@b.co'], rec.env);
    expect(result.code).toBe(0);
    expect(result.output).toBe('{\r\n  \u001b[34m"ok"\u001b[39m: \u001b[33mtrue\u001b[39m\r\n}\r\n');
  });

  it('without colour when NO_COLOR is set', async () => {
    const result = await onTerminal(['getUserByEmail', '--email', 'a@b.co'], { ...rec.env, NO_COLOR: '1' });
    expect(result.output).toBe('{\r\n  "ok": true\r\n}\r\n');
  });
});
