// The CLI run in this process through main(argv, deps), for behaviour that needs no real process
// (argument grammar, messages, help): stdout and stderr captured, stdin an idle stream.
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

/** main(argv) with `env`, off a terminal; its exit code and what it wrote. */
export async function runMain(argv: readonly string[], env: Deps['env']): Promise<MainResult> {
  const deps: Deps & { stdout: Capture; stderr: Capture } = { stdout: new Capture(), stderr: new Capture(), stdin: new PassThrough(), env };
  const code = await main(argv, deps);
  return { code, stdout: deps.stdout.text, stderr: deps.stderr.text };
}
