// The options each command accepts, composed from the one table (args.ts). Parsers, help and
// completion all read these lists, so what a command takes, lists and completes cannot drift.
// Kept free of anything heavy: the command registry (cli/registry.ts) reads it on every start.
import { BATCH_OWN_OPTIONS, CALL_OPTIONS, DOCTOR_OWN_OPTIONS, GLOBAL_OPTIONS, MOCK_OPTIONS, TEST_OWN_OPTIONS, withoutRetries, type OptionSpec } from './args.js';

export const HELP_OPTION: OptionSpec = { long: '--help', short: '-h', takes: 'none', description: 'show help' };

const withoutLongs = (specs: readonly OptionSpec[], left: ReadonlySet<string>): OptionSpec[] => specs.filter((spec) => !left.has(spec.long));

/** `oneoffice` before a command word. */
export const ROOT_OPTIONS: OptionSpec[] = [{ long: '--version', short: '-V', takes: 'none', description: 'print the version' }, ...GLOBAL_OPTIONS, HELP_OPTION];

/** `oneoffice call <method>`: the options of every method command (which adds the method's parameter flags). */
export const CALL_COMMAND_OPTIONS: OptionSpec[] = CALL_OPTIONS;

// Batch: per-call printing (-v, --curl, --show-secrets, -w: each result record carries the call's
// status and timings instead) and --params have no meaning for thousands of calls.
export const BATCH_LEFT_OUT: ReadonlySet<string> = new Set(['--params', '--verbose', '--curl', '--show-secrets', '--no-validate', '--query', '--write-out']);

/** The single-call flags batch accepts; --dry-run means something a little different there. */
export const BATCH_CALL_OPTIONS: OptionSpec[] = withoutLongs(CALL_OPTIONS, BATCH_LEFT_OUT).map((spec) =>
  spec.long === '--dry-run' ? { ...spec, description: 'check every line and build every call, send nothing; prints only the summary' } : spec,
);
export const BATCH_OPTIONS: OptionSpec[] = [...BATCH_OWN_OPTIONS, ...BATCH_CALL_OPTIONS];

// Test: printing a request (--curl, -v, --show-secrets) and --params mean nothing for a scenario;
// its own --dry-run checks the files.
export const TEST_LEFT_OUT: ReadonlySet<string> = new Set(['--params', '--verbose', '--curl', '--show-secrets', '--query', '--dry-run', '--no-validate', '--write-out']);
export const TEST_CALL_OPTIONS: OptionSpec[] = withoutLongs(CALL_OPTIONS, TEST_LEFT_OUT);
export const TEST_OPTIONS: OptionSpec[] = [...TEST_OWN_OPTIONS, ...TEST_CALL_OPTIONS];

/** `oneoffice mock`: its own, and the global ones (its own --schemas first). */
export const MOCK_COMMAND_OPTIONS: OptionSpec[] = [...MOCK_OPTIONS, ...GLOBAL_OPTIONS.filter((spec) => !MOCK_OPTIONS.some((own) => own.long === spec.long)), HELP_OPTION];

// Doctor: where and how calls go (URL, token, connection, TLS) and the global flags; nothing about
// a call's params or how it is printed.
const DOCTOR_CALL_FLAGS: ReadonlySet<string> = new Set(['--url', '--bearer', '--allow-insecure-http', '--connect-timeout', '--max-time', '--proxy', '--cacert', '--insecure', '--cert', '--key', '--pass-env', ...GLOBAL_OPTIONS.map((spec) => spec.long), '--help']);
export const DOCTOR_OPTIONS: OptionSpec[] = [...DOCTOR_OWN_OPTIONS, ...CALL_OPTIONS.filter((spec) => DOCTOR_CALL_FLAGS.has(spec.long)).map(withoutRetries)];

export const METHODS_OPTIONS: OptionSpec[] = [
  { long: '--json', takes: 'none', description: 'print a JSON array of {"name", "summary", "idempotent", "source"}' },
  ...GLOBAL_OPTIONS,
  HELP_OPTION,
];

/** Commands whose only options are the global ones. */
export const PLAIN_OPTIONS: OptionSpec[] = [...GLOBAL_OPTIONS, HELP_OPTION];

/** `config get` and `config list`. */
export const SHOW_SECRETS_OPTION: OptionSpec = { long: '--show-secrets', takes: 'none', description: 'print tokens unmasked' };
