// The entry point: main(argv, deps) runs one command and returns its exit code. Only here are
// errors printed and exit codes chosen. Commands that call the API are dispatched before
// commander is set up, so a call pays only for what it uses.
import { CALL_OPTIONS, scanGlobalOptions } from '../options/args.js';
import { errorStyle, useColor } from '../output/color.js';
import { Context, type Deps } from './context.js';
import { visibleControls } from '../output/controls.js';
import { describeFailure, ExitCode, isOneOfficeError, UsageError } from '../api/errors.js';
import { closest } from '../api/suggest.js';
import { PRINTS_HELP, processDeps, useNodeStreams } from './stdio.js';
import { DEFAULT_HELP_COLUMNS, fitHelp, helpColumns, wrapHelp } from './help/wrap.js';
import { COMMAND_NAMES, COMMANDS, commandNamed, type Invocation } from './registry.js';

export type { Deps } from './context.js';

/**
 * Every option of every command that takes a value: options may stand before the command word.
 * Built on first use: most command lines start with the command word and never ask.
 */
let valueOptions: ReadonlySet<string> | undefined;
function takesValue(option: string): boolean {
  valueOptions ??= new Set(
    [...CALL_OPTIONS, ...COMMANDS.flatMap((command) => [...command.options, ...(command.subcommands ?? []).flatMap((sub) => sub.options ?? [])])]
      .filter((spec) => spec.takes === 'value' || spec.takes === 'list')
      .flatMap((spec) => (spec.short ? [spec.long, spec.short] : [spec.long])),
  );
  return valueOptions.has(option);
}

declare const __ONEOFFICE_HELP__: string | undefined;
const PRERENDERED_HELP = typeof __ONEOFFICE_HELP__ === 'string' ? __ONEOFFICE_HELP__ : undefined;
declare const __ONEOFFICE_WIDE_HELP__: string | undefined;
/** The same help unwrapped: another width is wrapped from it, as a text already cut at 80 columns cannot be widened. */
const PRERENDERED_WIDE_HELP = typeof __ONEOFFICE_WIDE_HELP__ === 'string' ? __ONEOFFICE_WIDE_HELP__ : undefined;
declare const __ONEOFFICE_METHODS__: string | undefined;
/** `oneoffice methods` for the built-in methods, rendered at the build: printed without loading its part. */
const PRERENDERED_METHODS = typeof __ONEOFFICE_METHODS__ === 'string' ? __ONEOFFICE_METHODS__ : undefined;

function isPlainHelp(argv: readonly string[]): boolean {
  return argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help');
}

/** Index of the command word: the first operand, skipping the values of options that take one. */
export function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') return -1;
    if (!token.startsWith('-')) return i;
    // The last word has no value after it to skip (`oneoffice --help` builds no table).
    if (i + 1 < argv.length && takesValue(token)) i++;
  }
  return -1;
}

export async function main(argv: readonly string[], deps: Deps): Promise<number> {
  // Shells ask on every TAB: answered before anything else is set up (cli/complete.ts).
  if (argv[0] === '__complete') return (await tab()).answerTab(argv.slice(1), deps);
  const globals = scanGlobalOptions(argv);
  const ctx = new Context(deps, globals);
  try {
    const index = commandIndex(argv);
    const word = index === -1 ? undefined : argv[index];
    if (asksForHelp(argv, word)) (deps.stdout as unknown as Record<symbol, boolean>)[PRINTS_HELP] = true;
    const invocation: Invocation = { argv, rest: index === -1 ? argv : [...argv.slice(0, index), ...argv.slice(index + 1)], after: argv.slice(index + 1) };
    if (word === 'help' && argv[index + 1] !== undefined) return await helpFor(ctx, argv[index + 1] as string);
    const command = word === undefined ? undefined : commandNamed(word);
    if (command && word !== 'help') {
      if (PRERENDERED_METHODS && word === 'methods' && argv.length === 1 && !ctx.hasUserSchemas()) {
        deps.stdout.write(PRERENDERED_METHODS);
        return ExitCode.ok;
      }
      if (command.nodeStreams) useNodeStreams(deps);
      return await (await command.run())(ctx, invocation);
    }
    if (word !== undefined && !command) {
      if (ctx.registry().get(word)) return await (await callCommand())(ctx, { kind: 'method', name: word }, invocation.rest);
      throw new UsageError(`unknown command or method ${word}${suggestion(ctx, word)}`);
    }
    if (word === undefined) {
      const typo = argv.find((arg) => SHORT_TYPOS[arg] !== undefined);
      if (typo !== undefined) throw new UsageError(`unknown option ${typo} (did you mean ${SHORT_TYPOS[typo]}?)`);
    }
    // The help text for the built-in methods is rendered at build time: commander costs ~12 ms.
    if (PRERENDERED_HELP && PRERENDERED_WIDE_HELP && isPlainHelp(argv) && !ctx.hasUserSchemas()) {
      // Rendered at the build as it is read without a terminal (80 columns): then written as it is.
      const columns = helpColumns(deps);
      deps.stdout.write(columns === DEFAULT_HELP_COLUMNS ? PRERENDERED_HELP : wrapHelp(PRERENDERED_WIDE_HELP, columns));
      return ExitCode.ok;
    }
    const { runProgram } = await import('./program.js');
    return await runProgram(ctx, argv);
  } catch (error) {
    return reportError(ctx, error);
  }
}

/** Only help is printed: `help [...]`, or -h/--help before any `--`. */
function asksForHelp(argv: readonly string[], word: string | undefined): boolean {
  if (word === 'help') return true;
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** Top-level flags users reach for from other tools, and ours. */
const SHORT_TYPOS: Readonly<Record<string, string>> = { '-v': '-V', '-version': '--version' };

/** `help <word>`: a command's help, a method's, or the nearest of either. */
async function helpFor(ctx: Context, word: string): Promise<number> {
  const command = commandNamed(word);
  if (command) {
    ctx.deps.stdout.write(fitHelp(ctx.deps, await (await command.help())(ctx)));
    return ExitCode.ok;
  }
  if (ctx.registry().get(word)) return (await callCommand())(ctx, { kind: 'method', name: word }, ['--help']);
  throw new UsageError(`help: no command or method ${word}${suggestion(ctx, word)}`);
}

/** Words that name an option of ours rather than a command. */
const OPTION_WORDS: Readonly<Record<string, string>> = { version: '--version' };

/**
 * " (did you mean createUser?)": the nearest command or method (a typo, or the start of a name:
 * getUser for getUserByEmail), or where the lists are.
 */
function suggestion(ctx: Context, word: string): string {
  const names = [...COMMAND_NAMES, ...ctx.registry().names()];
  const lower = word.toLowerCase();
  const nearest = OPTION_WORDS[lower] ?? closest(word, names) ?? (word.length >= 3 ? names.find((name) => name.toLowerCase().startsWith(lower)) : undefined);
  return nearest ? ` (did you mean ${nearest}?)` : ` (commands: ${COMMAND_NAMES.join(', ')}; methods: oneoffice methods)`;
}

/** The answer to a shell's TAB (cli/tab.ts), loaded only for it. */
async function tab() {
  return import('./tab.js');
}

/** Loaded on use, so `--help` and `methods` do not parse the call path. */
async function callCommand() {
  return (await import('./commands/call.js')).runCallCommand;
}

async function reportError(ctx: Context, error: unknown): Promise<number> {
  const { stderr, env } = ctx.deps;
  const red = await errorStyle(useColor(stderr, env, ctx.globals.noColor));
  // A line may quote the server (its message): its control characters are shown, not obeyed.
  const redact = (text: string) => ctx.redact(visibleControls(text));
  const { known, message, exitCode } = describeFailure(error, redact);
  const lines = isOneOfficeError(error) && error.problems ? error.problems.map(redact) : [message];
  for (const line of lines) stderr.write(`${red('oneoffice:')} ${line}\n`);
  if (ctx.globals.debug && error instanceof Error && error.stack) {
    // The stack's first line is the message, which may quote the server: masked whole (a secret may hold a line
    // break), then each line's control characters shown, as above.
    stderr.write(`${ctx.redact(fullStack(error)).split('\n').map(visibleControls).join('\n')}\n`);
  } else if (!known) {
    stderr.write('oneoffice: run with --debug for details\n');
  }
  return exitCode;
}

function fullStack(error: Error): string {
  const parts = [error.stack ?? String(error)];
  let cause = error.cause;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++, cause = cause.cause) parts.push(`caused by: ${cause.stack ?? cause.message}`);
  return parts.join('\n');
}

/**
 * Runs one command in this process (bin/oneoffice.cjs). Should a command ever stop with nothing
 * left to wait for and without having finished (a bug), the process would end with exit 0 and no
 * word; it ends with exit 1 and says so instead.
 */
export function runProcess(
  argv: readonly string[] = process.argv.slice(2),
  run: (argv: readonly string[], deps: Deps) => Promise<number> = main,
  hooks: { beforeEngineFlags?: () => void } = {},
): void {
  const deps = processDeps(hooks.beforeEngineFlags);
  let finished = false;
  // on(), not once() (it compiles four more of Node's functions on every start): said once all the same.
  process.on('beforeExit', () => {
    if (finished) return;
    finished = true;
    deps.stderr.write('oneoffice: internal error: the command stopped before it finished; please report this\n');
    process.exitCode = ExitCode.unexpected;
  });
  void run(argv, deps).then((code) => {
    finished = true;
    process.exitCode = code;
  });
}

