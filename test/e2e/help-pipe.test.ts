// `oneoffice --help | head -1`: a reader that stops early is a normal end for help (exit 0, no
// word), never exit 23 as for output that was lost. The reader here is gone before oneoffice
// writes (python3 closes the pipe's read end first), so every write meets EPIPE, whatever the
// machine's speed; then the pipeline a user types, with head.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv } from '../helpers/cli.js';

const CLOSED_READER = `
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)
sys.stdout.write("%d\\n%s" % (p.returncode, p.stderr.decode()))
`;

function intoClosedPipe(args: string[]): { code: number; stderr: string } {
  const run = spawnSync('python3', ['-c', CLOSED_READER, process.execPath, BIN, ...args], { env: isolatedEnv(), encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const [code, ...stderr] = run.stdout.split('\n');
  return { code: Number(code), stderr: stderr.join('\n') };
}

describe('help into a pipe whose reader is gone', () => {
  it.each([[['--help']], [['-h']], [['help', 'config']], [['config', '--help']], [['createUser', '--help']], [['test', '--help']], [['batch', '--help']], [['mock', '--help']]])(
    '%j ends with exit 0 and says nothing',
    (args) => {
      expect(intoClosedPipe(args)).toEqual({ code: 0, stderr: '' });
    },
  );

  it('other output that is lost still ends with exit 23 and a line on stderr', () => {
    expect(intoClosedPipe(['methods'])).toEqual({ code: 23, stderr: 'oneoffice: cannot write to stdout: EPIPE (the reader closed the pipe)\n' });
  });

  it('oneoffice --help | head -1 prints the first line and exits 0', () => {
    const run = spawnSync('bash', ['-c', `'${process.execPath}' '${BIN}' --help | head -1; echo "exit \${PIPESTATUS[0]}"`], { env: isolatedEnv(), encoding: 'utf8' });
    expect(run.stdout).toBe('Usage: oneoffice <method> [flags]  |  <command> [options]\nexit 0\n');
    expect(run.stderr).toBe('');
  });
});
