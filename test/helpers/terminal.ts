// Runs the built CLI on a pseudo-terminal made by util-linux `script`, for what oneoffice does only
// on a terminal (prompts, colour, progress bars).
import { spawn, spawnSync } from 'node:child_process';
import { BIN, ROOT } from './cli.js';

export const haveScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * `answers`: when the output so far contains a key, its value is typed (once). `redirect`: files
 * that get stdout or stderr instead of the terminal.
 */
export function onTerminal(args: string[], env: Record<string, string>, answers: Record<string, string> = {}, redirect: { stdout?: string; stderr?: string } = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
    const to = (fd: number, file: string | undefined) => (file === undefined ? '' : ` ${fd}>${quote(file)}`);
    const command = `${[process.execPath, BIN, ...args].map(quote).join(' ')}${to(1, redirect.stdout)}${to(2, redirect.stderr)}`;
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

/**
 * What the terminal shows once `output` is written to it: lines end at \r\n, \r goes back to the
 * start of the line, ESC[K erases to its end, other text overwrites. (Enough for our progress bars;
 * no other control sequences.)
 */
export function screen(output: string): string {
  const lines: string[] = [''];
  let row = 0;
  let column = 0;
  for (let i = 0; i < output.length; i++) {
    const char = output[i] as string;
    if (output.startsWith('\x1b[K', i)) {
      lines[row] = (lines[row] as string).slice(0, column);
      i += 2;
    } else if (char === '\r') {
      column = 0;
    } else if (char === '\n') {
      row++;
      lines[row] ??= '';
      column = 0;
    } else {
      const line = (lines[row] as string).padEnd(column);
      lines[row] = line.slice(0, column) + char + line.slice(column + 1);
      column++;
    }
  }
  return lines.join('\n');
}
