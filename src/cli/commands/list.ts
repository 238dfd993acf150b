// The one list of oneoffice's own commands: main() dispatches on it, commander's help lists it, and
// no method schema may take one of these names. Everything else on the command line is a method.
export interface CommandEntry {
  name: string;
  /** As `oneoffice --help` shows it. */
  usage: string;
  description: string;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'call', usage: 'call <method>', description: 'call any method, with --params (unknown methods are sent unvalidated)' },
  { name: 'batch', usage: 'batch <file>', description: 'run many calls from an NDJSON or CSV file (oneoffice batch --help)' },
  { name: 'test', usage: 'test <file...>', description: 'run scenario files: calls with expectations, for CI smoke checks (oneoffice test --help)' },
  { name: 'mock', usage: 'mock', description: 'run a local OneOffice server for tests and demos (oneoffice mock --help)' },
  { name: 'methods', usage: 'methods', description: 'list the API methods' },
  { name: 'config', usage: 'config', description: 'read and change the config file (profiles, URL, token)' },
  { name: 'completion', usage: 'completion <shell>', description: 'print the shell completion script for bash, zsh or fish (oneoffice completion --help)' },
  { name: 'help', usage: 'help [command]', description: 'show help for a command or method' },
];

export const COMMAND_NAMES: readonly string[] = COMMANDS.map((command) => command.name);

export function isCommandName(word: string): boolean {
  return COMMAND_NAMES.includes(word);
}
