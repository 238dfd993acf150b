// The one registry of oneoffice's own commands: what each is called, what it takes (options from
// the one table, subcommands, operands), how its values complete, how its code loads and which
// function renders its help. Dispatch (main.ts), commander's help (program.ts), completion
// (complete.ts), the build's lazy parts and the man page (scripts/build.mjs) are derived from it.
// It is read on every start: data and `() => import(...)` only, never a static import of a command.
// Every other word on the command line is a method (no method schema may take a command's name).
import type { Context } from './context.js';
import type { OptionSpec, ValueCompletion } from '../options/args.js';
import { BATCH_OPTIONS, CALL_COMMAND_OPTIONS, DOCTOR_OPTIONS, HELP_OPTION, METHODS_OPTIONS, MOCK_COMMAND_OPTIONS, PLAIN_OPTIONS, SHOW_SECRETS_OPTION, TEST_OPTIONS } from '../options/commands.js';
import { PROFILE_KEYS } from '../config/file.js';

/** The command line as main() found it: the command word at `index`. */
export interface Invocation {
  argv: readonly string[];
  /** The argv without the command word: options may stand before it. */
  rest: readonly string[];
  /** The words after the command word. */
  after: readonly string[];
}

export type CommandRun = (ctx: Context, invocation: Invocation) => Promise<number>;
/** The text `oneoffice help <command>` and `<command> --help` print. */
export type HelpRender = (ctx: Context) => string | Promise<string>;

export interface SubcommandSpec {
  readonly name: string;
  readonly usage: string;
  readonly description: string;
  readonly options?: readonly OptionSpec[];
  /** What each operand completes to, in order. */
  readonly operands?: readonly ValueCompletion[];
}

export interface CommandSpec extends SubcommandSpec {
  readonly options: readonly OptionSpec[];
  /** Completes every operand after those of `operands` (`test a.yml b.yml ...`). */
  readonly moreOperands?: ValueCompletion;
  readonly subcommands?: readonly SubcommandSpec[];
  /** Runs long or reads stdin as a stream: Node's own stdio streams, not the quick writers. */
  readonly nodeStreams?: boolean;
  /** Its code, loaded when it runs. */
  readonly run: () => Promise<CommandRun>;
  /** The one function that renders its help, loaded when asked for. */
  readonly help: () => Promise<HelpRender>;
}

const FILES: ValueCompletion = { kind: 'files' };
const wantsHelp = (args: readonly string[]) => args.some((arg) => arg === '--help' || arg === '-h');
/** The commands commander parses (config, methods --help, the top level): program.ts, loaded on use. */
const viaProgram = async (): Promise<CommandRun> => {
  const { runProgram } = await import('./program.js');
  return (ctx, { argv }) => runProgram(ctx, argv);
};
/** `config`: the same, without reading the methods (see runProgram). */
const configViaProgram = async (): Promise<CommandRun> => {
  const { runProgram } = await import('./program.js');
  return (ctx, { argv }) => runProgram(ctx, argv, false);
};
const programHelp = (name?: string) => async (): Promise<HelpRender> => {
  const { commandHelp } = await import('./program.js');
  return (ctx) => commandHelp(ctx, name);
};

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'call',
    usage: 'call <method>',
    description: 'call any method, with --params (unknown methods are sent unvalidated)',
    options: CALL_COMMAND_OPTIONS,
    operands: [{ kind: 'methods' }],
    run: async () => {
      const { runCallCommand } = await import('./commands/call.js');
      return (ctx, { rest }) => runCallCommand(ctx, { kind: 'call' }, rest);
    },
    help: async () => (await import('./commands/call.js')).callHelp,
  },
  {
    name: 'batch',
    usage: 'batch <file>',
    description: 'run many calls from an NDJSON or CSV file (oneoffice batch --help)',
    options: BATCH_OPTIONS,
    operands: [{ kind: 'input' }],
    nodeStreams: true,
    run: async () => {
      const { runBatchCommand } = await import('./commands/batch.js');
      return (ctx, { rest }) => runBatchCommand(ctx, rest);
    },
    help: async () => (await import('./commands/batch.js')).batchHelp,
  },
  {
    name: 'test',
    usage: 'test <file...>',
    description: 'run scenario files: calls with expectations, for CI smoke checks (oneoffice test --help)',
    options: TEST_OPTIONS,
    moreOperands: FILES,
    nodeStreams: true,
    // A test run is short: reading YAML, then a few hundred small calls. V8's optimising compilers
    // cost it more than they save (a 100-step scenario, whole process, runs interleaved: ~10% less
    // time without them), and undici's WebAssembly parser (proxied steps) stays on the baseline
    // compiler, as for single calls (perform.ts). The flags are set before the command's bundle
    // loads, so its code is cached under them whole (cli/boot.ts); node:http first, which Node
    // compiles from its own cache only under the flags it started with.
    run: async () => async (ctx, { rest }) => {
      await import('node:http');
      await ctx.deps.engineFlags?.(['--no-opt', '--liftoff-only']);
      const { runTestCommand } = await import('./commands/test.js');
      return runTestCommand(ctx, rest);
    },
    help: async () => (await import('./commands/test.js')).testHelp,
  },
  {
    name: 'mock',
    usage: 'mock',
    description: 'run a local OneOffice server for tests and demos (oneoffice mock --help)',
    options: MOCK_COMMAND_OPTIONS,
    nodeStreams: true,
    run: async () => {
      const { runMockCommand } = await import('./commands/mock.js');
      return (ctx, { rest }) => runMockCommand(ctx, rest);
    },
    help: async () => (await import('./commands/mock.js')).mockHelp,
  },
  {
    name: 'doctor',
    usage: 'doctor',
    description: 'check the setup end to end: config, token, proxy, DNS, TLS, the server (oneoffice doctor --help)',
    options: DOCTOR_OPTIONS,
    run: async () => {
      const { runDoctorCommand } = await import('./commands/doctor.js');
      return (ctx, { rest }) => runDoctorCommand(ctx, rest);
    },
    help: async () => (await import('./commands/doctor.js')).doctorHelp,
  },
  {
    name: 'methods',
    usage: 'methods',
    description: 'list the API methods',
    options: METHODS_OPTIONS,
    run: async () => {
      const { methodsCommand } = await import('./commands/methods.js');
      // Its help is commander's; listing needs no commander.
      return async (ctx, invocation) => (wantsHelp(invocation.rest) ? (await viaProgram())(ctx, invocation) : methodsCommand(ctx, invocation.rest));
    },
    help: programHelp('methods'),
  },
  {
    name: 'config',
    usage: 'config',
    description: 'read and change the config file (profiles, URL, token)',
    options: PLAIN_OPTIONS,
    subcommands: [
      { name: 'set', usage: 'set <key> [value]', description: `set a key of the active profile, which is created if needed: ${PROFILE_KEYS.join(', ')}; a value is checked as its flag is (bearer: omit the value to type it hidden, or pipe it on stdin)`, operands: [{ kind: 'config-keys' }, { kind: 'config-value' }] },
      { name: 'get', usage: 'get <key>', description: 'print a value of the active profile (bearer masked)', options: [SHOW_SECRETS_OPTION], operands: [{ kind: 'config-keys' }] },
      { name: 'unset', usage: 'unset <key>', description: 'remove a value from the active profile', operands: [{ kind: 'config-keys' }] },
      { name: 'list', usage: 'list', description: 'print every profile (token masked)', options: [SHOW_SECRETS_OPTION] },
      { name: 'path', usage: 'path', description: 'print the config file path' },
      { name: 'use', usage: 'use <profile>', description: 'make an existing profile the default one', operands: [{ kind: 'profiles' }] },
      { name: 'delete', usage: 'delete <profile>', description: 'remove a profile and its settings (if it was the default, "default" is the default again)', operands: [{ kind: 'profiles' }] },
    ],
    run: configViaProgram,
    help: programHelp('config'),
  },
  {
    name: 'completion',
    usage: 'completion <shell>',
    description: 'print the shell completion script for bash, zsh, fish or PowerShell (oneoffice completion --help)',
    options: [HELP_OPTION],
    operands: [{ kind: 'words', words: ['bash', 'zsh', 'fish', 'powershell'] }],
    run: async () => {
      const { runCompletion } = await import('./completion.js');
      return async (ctx, { after }) => runCompletion(after, ctx.deps);
    },
    help: async () => (await import('./completion.js')).completionHelp,
  },
  {
    name: 'help',
    usage: 'help [command]',
    description: 'show help for a command or method',
    options: [],
    operands: [{ kind: 'commands' }],
    run: viaProgram,
    help: async () => () => 'Usage: oneoffice help [command|method]\n\nShows the help of a command or an API method; without one, that of oneoffice (oneoffice --help).\n',
  },
];

export const COMMAND_NAMES: readonly string[] = COMMANDS.map((command) => command.name);

export function commandNamed(word: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === word);
}
