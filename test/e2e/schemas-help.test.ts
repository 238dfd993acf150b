// What only the build makes of help: the main --help rendered at build time (wrapped to $COLUMNS as
// any help is) and the version; the rest of help, the method list and user schema directories run
// in-process (test/unit/schemas-help.test.ts).
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { runMain } from '../helpers/in-process.js';

const env = isolatedEnv();

describe('help', () => {
  it('the pre-rendered --help wraps to $COLUMNS between words, as the terminal of the reader needs', async () => {
    const narrow = await runCli(['--help'], { env: { ...env, COLUMNS: '60' } });
    const wide = await runCli(['--help'], { env: { ...env, COLUMNS: '1000' } });
    expect(narrow.code).toBe(0);
    expect(narrow.stdout.split('\n').filter((line) => line.length > 60)).toEqual([]);
    const words = (text: string) => text.split(/\s+/).filter((word) => word !== '' && word !== '#');
    expect(words(narrow.stdout)).toEqual(words(wide.stdout));
    expect(wide.stdout.split('\n').some((line) => line.length > 80)).toBe(true);
  });
  it.each(['120', '60'])('the pre-rendered --help at %s columns is the help commander renders there: its options fill a wide terminal too', async (columns) => {
    const built = await runCli(['--help'], { env: { ...env, COLUMNS: columns } });
    const rendered = await runMain(['--help'], { ...env, COLUMNS: columns });
    expect(built).toEqual({ code: 0, stdout: rendered.stdout, stderr: '' });
  });
  it('--version prints the version', async () => {
    expect(await runCli(['--version'], { env: env })).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });
});
