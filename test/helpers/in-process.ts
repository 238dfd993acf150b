// The CLI run in this process through main(argv, deps), for behaviour that needs no real process
// (argument grammar, messages, help, what a call sends to a server on 127.0.0.1): stdout and stderr
// captured, stdin an idle stream unless the test gives it text to read.
import { PassThrough, Writable } from 'node:stream';
import { main, type Deps } from '../../src/cli/main.js';

/** A stream that keeps what is written to it; a terminal of `columns` when `isTTY`. */
export class Capture extends Writable {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns?: number,
  ) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface MainResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface MainOptions {
  /** What stdin holds, then its end; without it stdin stays open and silent (as an idle pipe). */
  input?: string;
}

/** main(argv) with `env`, off a terminal; its exit code and what it wrote. */
export async function runMain(argv: readonly string[], env: Deps['env'], options: MainOptions = {}): Promise<MainResult> {
  const stdin = new PassThrough();
  if (options.input !== undefined) stdin.end(options.input);
  const deps: Deps & { stdout: Capture; stderr: Capture } = { stdout: new Capture(), stderr: new Capture(), stdin, env };
  const code = await main(argv, deps);
  return { code, stdout: deps.stdout.text, stderr: deps.stderr.text };
}
