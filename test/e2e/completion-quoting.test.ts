// Bash completion inserts what it offers quoted (issue 20, item 18): in a real interactive bash
// under tmux, a user types a line, presses TAB, then Enter. The candidates come from the user's
// schema directory and working directory, and hold `$(...)` or a space: the word must
// arrive at oneoffice whole, and nothing in it may run. `oneoffice` on PATH is a stand-in that
// records its arguments (and passes `__complete` on to the built CLI).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const haveTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const haveBash = spawnSync('bash', ['-c', 'true'], { stdio: 'ignore' }).status === 0;
// CI installs tmux (.ci/run): there a missing one is a failure, not a skip.
if (!haveTmux && process.env['CI'] !== 'true') console.warn('SKIPPED: tmux is not installed; the interactive bash completion tests did not run');
const run = haveBash && (haveTmux || process.env['CI'] === 'true');

let work: string;
let cwd: string;
let socket: string;
let recorded: string;

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/**
 * Waits (a hang guard, not a measure: the machine may be slow) until the pane's last line shows
 * `text`, or with `line`, until some line is `text`.
 */
async function paneShows(text: string, line = false): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const lines = tmux('capture-pane', '-p', '-J', '-t', 'user').split('\n').map((row) => row.trimEnd()).filter(Boolean);
    const last = lines.at(-1) ?? '';
    if (line ? lines.includes(text) : last.includes(text)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the pane never showed ${JSON.stringify(text)}:\n${tmux('capture-pane', '-p', '-J', '-t', 'user')}`);
}

/**
 * The argument lists the stand-in recorded, one per run of it that has finished its record: it
 * writes each argument, then the end mark, so a record read between those writes is not yet one
 * (counted, it would be a run with its last arguments missing).
 */
function runs(): string[][] {
  if (!existsSync(recorded)) return [];
  const text = readFileSync(recorded, 'latin1');
  const records = text.split('\u0001\u0000');
  records.pop(); // what follows the last end mark: nothing, or a record still being written
  return records.map((record) => record.split('\u0000').filter((_, i, all) => i < all.length - 1));
}

async function typeTabEnter(typed: string, shownAfterTab: string): Promise<string[]> {
  const before = runs().length;
  tmux('send-keys', '-t', 'user', '-l', typed);
  tmux('send-keys', '-t', 'user', 'Tab');
  await paneShows(shownAfterTab);
  tmux('send-keys', '-t', 'user', 'Enter');
  for (let i = 0; i < 600 && runs().length === before; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(runs()).toHaveLength(before + 1);
  return runs().at(-1) as string[];
}

beforeAll(() => {
  if (!run) return;
  work = tempDir('completion-tmux');
  socket = join(work, 'tmux.sock');
  recorded = join(work, 'argv');
  const bin = join(work, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'oneoffice'),
    `#!/bin/sh\nif [ "$1" = __complete ]; then exec '${process.execPath}' '${BIN}' "$@"; fi\nfor arg in "$@"; do printf '%s\\0' "$arg"; done >> '${recorded}'\nprintf '\\001\\000' >> '${recorded}'\n`,
  );
  chmodSync(join(bin, 'oneoffice'), 0o755);
  cwd = join(work, 'cwd');
  mkdirSync(cwd);
  writeFileSync(join(cwd, 'p$(touch file-ran).json'), '{}');
  const schemas = join(work, 'schemas');
  mkdirSync(schemas);
  writeFileSync(
    join(schemas, 'pickColor.json'),
    JSON.stringify({ description: 'Pick.', type: 'object', properties: { color: { type: 'string', enum: ['zz$(touch enum-ran)', 'blue'] }, city: { type: 'string', enum: ['New York', 'Oslo'] } } }),
  );
  // No HISTFILE: the interactive bash would save its history into its HOME, under the run's
  // temporary folder, when kill-server hangs it up, after this file is done.
  const env = isolatedEnv({ ONEOFFICE_SCHEMAS: schemas, PATH: `${bin}:${process.env['PATH'] ?? ''}`, TERM: 'xterm', PS1: '$ ', HISTFILE: '' });
  const script = spawnSync(process.execPath, [BIN, 'completion', 'bash'], { env, encoding: 'utf8' });
  writeFileSync(join(work, 'completion.bash'), script.stdout);
  const started = spawnSync('tmux', ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'user', '-x', '200', '-y', '40', '-c', cwd, `bash --norc --noprofile`], { env, encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`tmux: ${started.stderr}`);
  tmux('send-keys', '-t', 'user', '-l', `PS1='$ '; source '${join(work, 'completion.bash')}'; echo re''ady`);
  tmux('send-keys', '-t', 'user', 'Enter');
});

afterAll(() => {
  if (run && socket) spawnSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore' });
});

describe.runIf(run)('bash completion in an interactive bash, TAB then Enter', () => {
  it('inserts an enum value of a --schemas directory quoted: $(...) in it does not run', async () => {
    await paneShows('ready', true);
    const argv = await typeTabEnter('oneoffice pickColor --color zz', 'enum-ran');
    expect(argv).toEqual(['pickColor', '--color', 'zz$(touch enum-ran)']);
    expect(existsSync(join(cwd, 'enum-ran'))).toBe(false);
  }, 120_000);

  it('inserts a value with a space as one word', async () => {
    const argv = await typeTabEnter('oneoffice pickColor --city Ne', 'York');
    expect(argv).toEqual(['pickColor', '--city', 'New York']);
  }, 120_000);

  it('inserts a file name after --params @ quoted', async () => {
    const argv = await typeTabEnter('oneoffice createUser --params @p', '.json');
    expect(argv).toEqual(['createUser', '--params', '@p$(touch file-ran).json']);
    expect(existsSync(join(cwd, 'file-ran'))).toBe(false);
  }, 120_000);

  it('completes a value typed with a backslash before its space', async () => {
    const argv = await typeTabEnter('oneoffice pickColor --city New\\ Y', 'ork');
    expect(argv).toEqual(['pickColor', '--city', 'New York']);
  }, 120_000);
});
