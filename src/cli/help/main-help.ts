// What `oneoffice --help` says after its lists (-w variables, examples, environment, exit codes), as data: the
// help text and the man page (scripts/man-data.ts) are both rendered from it, so they agree.
import { CALL_FLAG_EXAMPLES } from './flag-examples.js';
import { WRITE_OUT_VARIABLES } from '../../output/write-out-values.js';

export interface Example {
  command: string;
  /** Said after the command, as a shell comment. */
  comment?: string;
}

export const MAIN_EXAMPLES: readonly Example[] = [
  { command: 'export URL=https://... BEARER=...', comment: "the docs' own setup works as it is" },
  { command: 'oneoffice createUser --email test1@oneoffice.bh' },
  { command: 'oneoffice createFirstOrder --customer ABC --id ORD1 --product oo-lite --licenses 20 --duration monthly' },
  { command: 'oneoffice call createUser --params=@user.json', comment: 'with =: PowerShell reads a bare @user.json as splatting' },
  { command: 'oneoffice createUser --email test1@oneoffice.bh --curl=powershell', comment: 'curl.exe for PowerShell (also sh, cmd)' },
  ...CALL_FLAG_EXAMPLES.map(parseExampleLine),
  { command: 'oneoffice completion bash > ~/.local/share/bash-completion/completions/oneoffice' },
];

export const ENVIRONMENT_INTRO =
  'The URL and token come from, highest first: --url/--bearer, the profile named by --profile, ONEOFFICE_URL/ONEOFFICE_BEARER, the profile named by ONEOFFICE_PROFILE, URL/BEARER, the config file\'s default profile; -v says which.';

export const ENVIRONMENT: ReadonlyArray<{ names: string; meaning: string }> = [
  { names: 'ONEOFFICE_URL, URL', meaning: 'API endpoint' },
  { names: 'ONEOFFICE_BEARER, BEARER', meaning: 'API token' },
  { names: 'ONEOFFICE_PROFILE', meaning: 'config profile' },
  { names: 'ONEOFFICE_CONFIG', meaning: 'config file' },
  { names: 'ONEOFFICE_SCHEMAS', meaning: 'directory of extra method schemas' },
  { names: 'NO_COLOR, FORCE_COLOR', meaning: 'colour off / on' },
];

/** The help's "Examples:" block: each command, its comment after it. */
export function examplesHelp(examples: readonly Example[] = MAIN_EXAMPLES): string {
  return ['Examples:', ...examples.map((example) => `  ${example.command}${example.comment ? `   # ${example.comment}` : ''}`)].join('\n');
}

/** Every -w variable, from the list write-out reads: the warning for an unknown one points here. */
export function writeOutHelp(): string {
  // One line: help/wrap.ts refills it to the reader's width when help is printed.
  return ['Variables of -w (curl\'s names):', `  ${[...WRITE_OUT_VARIABLES.map((name) => `%{${name}}`), '%header{name}'].join(' ')}`].join('\n');
}

/** The help's "Environment" block. */
export function environmentHelp(): string {
  const width = Math.max(...ENVIRONMENT.map((entry) => entry.names.length)) + 4;
  // One line: help/wrap.ts refills it to the reader's width when help is printed.
  return [`Environment (${ENVIRONMENT_INTRO.replace(/^The/, 'the').replace(/\.$/, '')}):`, ...ENVIRONMENT.map((entry) => `  ${entry.names.padEnd(width)}${entry.meaning}`)].join('\n');
}

/** "  oneoffice ...   # comment" (flag-examples.ts) as an Example. */
function parseExampleLine(line: string): Example {
  const hash = line.indexOf('   # ');
  return hash === -1 ? { command: line.trim() } : { command: line.slice(0, hash).trim(), comment: line.slice(hash + 5).trim() };
}
