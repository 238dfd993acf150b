// What a shell runs on every TAB, `oneoffice __complete <words...>`: the answer of cli/complete.ts
// on stdout. A bundle of its own (tab.cjs), which bin's loader starts straight: it carries none of
// the completion scripts (cli/completion.ts), which a TAB never prints, nor the core (cli.cjs).
import type { Deps } from './context.js';
import { ExitCode } from '../api/errors.js';
import { complete, formatCompletion } from './complete.js';
import { processDeps } from './stdio.js';

/** `__complete <words...>` (argv: the words after it). */
export function answerTab(argv: readonly string[], deps: Deps): number {
  // `--dotted`: every word has a "." in front (the PowerShell script's way to pass empty ones).
  const words = argv[0] === '--dotted' ? argv.slice(1).map((word) => word.slice(1)) : argv;
  deps.stdout.write(formatCompletion(complete(words, deps.env, '.')));
  return ExitCode.ok;
}

/** The same as a whole process, started by bin's loader (cli/boot.ts). */
export function tabProcess(argv: readonly string[]): void {
  process.exitCode = answerTab(argv, processDeps());
}
