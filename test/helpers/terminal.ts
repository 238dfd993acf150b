// Runs the built CLI on a pseudo-terminal made by util-linux `script`, for what oneoffice does only
// on a terminal (prompts, colour, progress bars).
import { spawn, spawnSync } from 'node:child_process';
import { BIN, ROOT } from './cli.js';

export const haveScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * `answers`: when the output so far contains a key, its value is typed (once). `stderrTo`: a file
 * that gets stderr instead of the terminal.
 */
export function onTerminal(args: string[], env: Record<string, string>, answers: Record<string, string> = {}, stderrTo?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
    const command = `${[process.execPath, BIN, ...args].map(quote).join(' ')}${stderrTo === undefined ? '' : ` 2>${quote(stderrTo)}`}`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const pending = new Map(Object.entries(answers));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const [prompt, typed] of pending) {
        if (!output.includes(prompt)) continue;
        child.stdin.write(typed);
        pending.delete(prompt);
      }
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}
