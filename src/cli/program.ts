// The commands that do not call the API (help, methods, config), on commander. Loaded only when
// one of them runs.
import { CALL_FLAG_EXAMPLES } from './help/flag-examples.js';
import { Command, CommanderError } from 'commander';
import { CALL_OPTIONS, commanderFlags, commanderProblem, GLOBAL_OPTIONS } from '../options/args.js';
import { configDelete, configGet, configList, configPathCommand, configSet, configUnset, configUse } from './commands/config.js';
import { methodsCommand, METHODS_OPTIONS } from './commands/methods.js';
import { PROFILE_KEYS } from '../config/file.js';
import { COMMANDS } from './commands/list.js';
import type { Context } from './context.js';
import { exitCodeHelp, ExitCode } from '../api/errors.js';
import { VERSION } from '../api/request.js';
import { optionLines } from './help/method-help.js';
import { summaryOf } from '../api/schema/registry.js';

const ENVIRONMENT_HELP = `Environment (the URL and token come from, highest first: --url/--bearer, the
profile named by --profile, ONEOFFICE_URL/ONEOFFICE_BEARER, the profile named by ONEOFFICE_PROFILE,
URL/BEARER, the config file's default profile; -v says which):
  ONEOFFICE_URL, URL          API endpoint
  ONEOFFICE_BEARER, BEARER    API token
  ONEOFFICE_PROFILE           config profile
  ONEOFFICE_CONFIG            config file
  ONEOFFICE_SCHEMAS           directory of extra method schemas
  NO_COLOR, FORCE_COLOR       colour off / on`;

export async function runProgram(ctx: Context, argv: readonly string[]): Promise<number> {
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
    .configureOutput({
      writeOut: (text) => stdout.write(text),
      writeErr: (text) => stderr.write(text),
      outputError: (text, write) => write(`oneoffice: ${commanderProblem(text)}\n`),
    });

  const registry = ctx.registry();
  const methodsGroup = 'API methods (oneoffice <method> --help for its parameters):';
  for (const name of registry.names()) {
    const method = registry.get(name);
    program.command(name).description(method ? summaryOf(method.schema) : '').helpGroup(methodsGroup);
  }
  // Every command of the one list (commands/list.ts); main() runs call, batch, test and mock before
  // commander is set up, so here they are listed for help only. commander adds `help` itself.
  const commands = new Map<string, Command>();
  for (const entry of COMMANDS) {
    if (entry.name !== 'help') commands.set(entry.name, program.command(entry.usage).description(entry.description).helpGroup('Commands:'));
  }
  const methods = commands.get('methods');
  for (const spec of METHODS_OPTIONS.filter((option) => !GLOBAL_OPTIONS.includes(option))) methods?.option(commanderFlags(spec), spec.description);
  methods?.action(() => {
    exitCode = methodsCommand(ctx);
  });

  const config = commands.get('config') as Command;
  config.addHelpText(
    'after',
    `
A value is refused (exit 2) when the flag it stands for would refuse it.
Profiles: --profile <name> (or $ONEOFFICE_PROFILE) chooses one; only "config set" creates one.
Naming a profile that does not exist is an error everywhere else, with the closest name.
Changes are made one at a time (a lock on <file>.lock), so parallel "config set"s all stay.

Examples:
  oneoffice --profile staging config set url https://staging.example/api
  oneoffice config use staging
  oneoffice config delete staging`,
  );
  config
    .command('set <key> [value]')
    .description(`set a key of the active profile, which is created if needed: ${PROFILE_KEYS.join(', ')}; a value is checked as its flag is (bearer: omit the value to type it hidden, or pipe it on stdin)`)
    .action(async (key: string, value: string | undefined) => {
      exitCode = await configSet(ctx, key, value);
    });
  config
    .command('get <key>')
    .description('print a value of the active profile (bearer masked)')
    .option('--show-secrets', 'print the token unmasked')
    .action((key: string, options: { showSecrets?: boolean }) => {
      exitCode = configGet(ctx, key, options.showSecrets === true);
    });
  config
    .command('unset <key>')
    .description('remove a value from the active profile')
    .action(async (key: string) => {
      exitCode = await configUnset(ctx, key);
    });
  config
    .command('list')
    .description('print every profile (token masked)')
    .option('--show-secrets', 'print tokens unmasked')
    .action((options: { showSecrets?: boolean }) => {
      exitCode = configList(ctx, options.showSecrets === true);
    });
  config
    .command('path')
    .description('print the config file path')
    .action(() => {
      exitCode = configPathCommand(ctx);
    });
  config
    .command('use <profile>')
    .description('make an existing profile the default one')
    .action(async (profile: string) => {
      exitCode = await configUse(ctx, profile);
    });
  config
    .command('delete <profile>')
    .description('remove a profile and its settings (if it was the default, "default" is again)')
    .action(async (profile: string) => {
      exitCode = await configDelete(ctx, profile);
    });
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

Examples:
  export URL=https://... BEARER=...        # the docs' own setup works as it is
  oneoffice createUser --email test1@oneoffice.bh
  oneoffice createFirstOrder --customer ABC --id ORD1 --product oo-lite --licenses 20 --duration monthly
  oneoffice call createUser --params=@user.json     # with =: PowerShell reads a bare @user.json as splatting
  oneoffice createUser --email test1@oneoffice.bh --curl=powershell   # curl.exe for PowerShell (also sh, cmd)
${CALL_FLAG_EXAMPLES.join('\n')}
  oneoffice completion bash > ~/.local/share/bash-completion/completions/oneoffice

${ENVIRONMENT_HELP}

${exitCodeHelp}
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
