// What a test needs from the machine beyond Node, so that on Windows (one day) such tests are
// reported as skipped, with the reason in the name of the condition, instead of failing.
import { spawnSync } from 'node:child_process';

export const ON_WINDOWS = process.platform === 'win32';

/** The test runs a command line through sh, bash, dash or zsh. */
export const NO_POSIX_SHELL = ON_WINDOWS || spawnSync('sh', ['-c', 'exit 0']).status !== 0;

/** The test sends SIGINT, SIGTERM or SIGHUP and expects a handler to run: Windows kills the process instead. */
export const NO_POSIX_SIGNALS = ON_WINDOWS;

/** The test asserts file modes (0600): on Windows a mode means nothing, the folder's permissions apply. */
export const NO_FILE_MODES = ON_WINDOWS;

/** Whether a program is on PATH (curl, zsh, dash...). */
export function hasProgram(name: string, versionFlag = '--version'): boolean {
  return spawnSync(name, [versionFlag], { stdio: 'ignore' }).status === 0;
}
