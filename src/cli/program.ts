// The commands that do not call the API (help, methods, config), on commander. Loaded only when
// one of them runs.
import { environmentHelp, examplesHelp, writeOutHelp } from './help/main-help.js';
import { Command, CommanderError } from 'commander';
import { CALL_OPTIONS, commanderFlags, commanderProblem, GLOBAL_OPTIONS } from '../options/args.js';
import { configDelete, configGet, configList, configPathCommand, configSet, configUnset, configUse } from './commands/config.js';
import { methodsCommand, METHODS_OPTIONS } from './commands/methods.js';
import { COMMANDS, commandNamed } from './registry.js';
import { Context } from './context.js';
import { exitCodeHelp, ExitCode } from '../api/errors.js';
import { VERSION } from '../api/request.js';
import { optionLines } from './help/method-help.js';
import { fitHelp, UNWRAPPED } from './help/wrap.js';
import { summaryOf } from '../api/schema/registry.js';


/**
 * `listMethods`: false for `config`, which needs no method: a schema directory no command can read
 * then stops every other command (exit 3), but not `config unset schemas`, which mends it.
 */
export async function runProgram(ctx: Context, argv: readonly string[], listMethods = true): Promise<number> {
  const { stdout, stderr } = ctx.deps;
  let exitCode: number = ExitCode.ok;
  const program = new Command('oneoffice')
    .description("Call OneOffice's marketplace API: one command per method, checked before it is sent.")
    .usage('<method> [flags]  |  <command> [options]')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    // Written wide; fitHelp wraps it to the reader's terminal, as every other help.
    .configureHelp({ helpWidth: UNWRAPPED, optionTerm: (option) => (option.short ? option.flags : `    ${option.flags}`) })
    .configureOutput({
      writeOut: (text) => stdout.write(fitHelp(ctx.deps, text)),
      writeErr: (text) => stderr.write(text),
      outputError: (text, write) => write(`oneoffice: ${commanderProblem(text)}\n`),
    });

  const methodsGroup = 'API methods (oneoffice <method> --help for its parameters):';
  const registry = listMethods ? ctx.registry() : undefined;
  for (const name of registry?.names() ?? []) {
    const method = registry?.get(name);
    program.command(name).description(method ? summaryOf(method.schema) : '').helpGroup(methodsGroup);
  }
  // Every command of the registry (registry.ts); main() runs most of them before commander is set
  // up, so here they are listed for help only. commander adds `help` itself, described as the registry does.
  const commands = new Map<string, Command>();
  for (const entry of COMMANDS) {
    if (entry.name === 'help') program.helpCommand(entry.usage, entry.description);
    else commands.set(entry.name, program.command(entry.usage).description(entry.description).helpGroup('Commands:'));
  }
  const methods = commands.get('methods');
  for (const spec of METHODS_OPTIONS.filter((option) => !GLOBAL_OPTIONS.includes(option) && option.long !== '--help')) methods?.option(commanderFlags(spec), spec.description);
  methods?.action(() => {
    exitCode = methodsCommand(ctx);
  });

  const config = commands.get('config') as Command;
  config.addHelpText(
    'after',
    `
A value is refused (exit 2) when the flag it stands for would refuse it, and a token
no header can carry (a control character, a letter beyond Latin-1) as a call would.
Profiles: --profile <name> (or $ONEOFFICE_PROFILE) chooses one; only "config set" creates one.
Naming a profile that does not exist is an error everywhere else, with the closest name.
Changes are made one at a time (a lock on <file>.lock), so parallel "config set"s all stay.

Examples:
  oneoffice --profile staging config set url https://staging.example/api
  oneoffice config use staging
  oneoffice config delete staging`,
  );
  const configActions: Record<string, (operands: readonly string[], showSecrets: boolean) => number | Promise<number>> = {
    set: ([key, value]) => configSet(ctx, key as string, value),
    get: ([key], showSecrets) => configGet(ctx, key as string, showSecrets),
    unset: ([key]) => configUnset(ctx, key as string),
    list: (_, showSecrets) => configList(ctx, showSecrets),
    path: () => configPathCommand(ctx),
    use: ([profile]) => configUse(ctx, profile as string),
    delete: ([profile]) => configDelete(ctx, profile as string),
  };
  for (const sub of commandNamed('config')?.subcommands ?? []) {
    const command = config.command(sub.usage).description(sub.description);
    for (const spec of sub.options ?? []) command.option(commanderFlags(spec), spec.description);
    const action = configActions[sub.name];
    if (!action) throw new Error(`config ${sub.name}: no action in program.ts`);
    command.action(async (...args: unknown[]) => {
      const self = args.at(-1) as Command;
      exitCode = await action(self.args, self.opts<{ showSecrets?: boolean }>().showSecrets === true);
    });
  }
  // Read by scanGlobalOptions wherever they stand; declared on every command so commander accepts them there too.
  const withGlobals = (command: Command): void => {
    for (const spec of GLOBAL_OPTIONS) command.option(commanderFlags(spec), spec.description);
    command.commands.forEach(withGlobals);
  };
  withGlobals(program);

  program.addHelpText(
    'after',
    `
Flags of every method command and of call:
${optionLines(CALL_OPTIONS).join('\n')}

${writeOutHelp()}

${examplesHelp()}

${environmentHelp()}

${exitCodeHelp()}
`,
  );

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    // commander has already printed its message.
    return ExitCode.usage;
  }
}

/** The help commander prints for a command (`config --help`), or for the top level when none is named. */
export async function commandHelp(ctx: Context, name?: string): Promise<string> {
  let text = '';
  const capture = { write: (chunk: string | Uint8Array) => ((text += String(chunk)), true) } as unknown as Context['deps']['stdout'];
  await runProgram(new Context({ ...ctx.deps, stdout: capture }, ctx.globals), name === undefined ? ['--help'] : [name, '--help'], name !== 'config');
  return text;
}
