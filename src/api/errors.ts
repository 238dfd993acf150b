// One error base with a stable code and the exit code it maps to (modelled on got's errors.ts).
// Messages never contain credentials: callers pass masked values only.
import type { SettingName } from './settings.js';

/**
 * Every exit code the CLI uses, and what it means: the one table behind `--help`, the README and
 * every command's choice of code. Only src/cli/main.ts and the batch summary turn errors into codes.
 */
export const EXIT_CODES = [
  { name: 'ok', code: 0, meaning: 'success (the server answered 2xx)' },
  { name: 'unexpected', code: 1, meaning: 'unexpected error (a 2xx answer that is not JSON, a redirect)' },
  { name: 'usage', code: 2, meaning: 'usage or validation error (nothing was sent)' },
  { name: 'config', code: 3, meaning: 'configuration error (no URL or token, unreadable config or schema)' },
  { name: 'http4xx', code: 4, meaning: 'the server answered 4xx' },
  { name: 'http5xx', code: 5, meaning: 'the server answered 5xx' },
  { name: 'network', code: 6, meaning: 'network error (DNS, refused, reset, TLS, a proxy\'s refusal)' },
  { name: 'timeout', code: 7, meaning: 'timed out' },
  { name: 'expectation', code: 8, meaning: 'oneoffice test: an expectation of a scenario failed' },
  { name: 'output', code: 23, meaning: 'output could not be written (stdout closed, full disk): what was to be printed is lost' },
  { name: 'interrupted', code: 130, meaning: 'interrupted by Ctrl-C (SIGINT)' },
  { name: 'terminated', code: 143, meaning: 'stopped by SIGTERM' },
  { name: 'hangup', code: 129, meaning: 'stopped by SIGHUP (a closed terminal or ssh session)' },
  { name: 'break', code: 149, meaning: 'stopped by Ctrl-Break (SIGBREAK, Windows)' },
] as const;

type ExitCodeTable = { readonly [E in (typeof EXIT_CODES)[number] as E['name']]: E['code'] };
export const ExitCode: ExitCodeTable = Object.fromEntries(EXIT_CODES.map((entry) => [entry.name, entry.code])) as unknown as ExitCodeTable;

/** The signals that stop a command, and its exit code for each: 128 + the signal's number, as shells report it (SIGBREAK is 21 on Windows). */
export const SIGNAL_EXIT_CODES = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated, SIGHUP: ExitCode.hangup, SIGBREAK: ExitCode.break } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;
/** Ctrl-C, kill, a closed terminal or ssh session (SIGHUP), and Ctrl-Break or a closed console window on Windows. */
export const STOP_SIGNALS = Object.keys(SIGNAL_EXIT_CODES) as StopSignal[];
export type ExitCodeValue = (typeof EXIT_CODES)[number]['code'];

/** Every stable error code: what scripts and library users may match on. */
export const ERROR_CODES = [
  // Nothing was sent: the command line, the params, a file given to a command.
  'E_USAGE', 'E_VALIDATION', 'E_BAD_FLAG', 'E_BAD_HEADER', 'E_BAD_URL', 'E_BAD_PROXY', 'E_INSECURE_HTTP', 'E_CANCELLED',
  'E_INPUT', 'E_OTHER_INPUT', 'E_OTHER_TARGET', 'E_RESULTS_EXIST', 'E_NO_JOURNAL', 'E_JOURNAL_DAMAGED', 'E_ABORTED', 'E_CONFIG_VALUE', 'E_UNKNOWN_PROFILE', 'E_READY_FILE',
  'E_CLIENT_CERT', 'E_KEY_PASSPHRASE',
  // Configuration.
  'E_CONFIG', 'E_CONFIG_READ', 'E_CONFIG_KEY', 'E_CONFIG_UNSET', 'E_BAD_CONFIG', 'E_PROFILE', 'E_NO_URL', 'E_NO_TOKEN', 'E_BAD_TOKEN',
  'E_SCHEMA', 'E_SCHEMA_DIR', 'E_STATE', 'E_STATE_LOCKED', 'E_LISTEN', 'E_RESULTS_LOCKED', 'E_CONFIG_LOCKED', 'E_CONFIG_WRITE', 'E_CACHE_DIR',
  // The answer.
  'E_HTTP_4XX', 'E_HTTP_5XX', 'E_HTTP_REDIRECT', 'E_NOT_JSON', 'E_BODY_TOO_LARGE',
  // The network.
  'E_NETWORK', 'E_CONNREFUSED', 'E_CONNRESET', 'E_DNS', 'E_DNS_TEMPORARY', 'E_UNREACHABLE', 'E_PROTOCOL', 'E_TLS_HOSTNAME', 'E_TLS_EXPIRED', 'E_TLS_NOT_TLS', 'E_TLS_CLIENT_CERT', 'E_TLS_HANDSHAKE',
  'E_TLS_UNTRUSTED', 'E_PROXY_CONNECT', 'E_PROXY_DNS', 'E_PROXY_TUNNEL', 'E_PROXY_AUTH',
  // Time.
  'E_TIMEOUT', 'E_CONNECT_TIMEOUT', 'E_MAX_TIME',
  // Our own side.
  'E_STDOUT', 'E_REPORT', 'E_QUERY', 'E_RESULTS_READ', 'E_RESULTS_WRITE', 'E_INPUT_CHANGED', 'E_UNCERTAIN', 'E_UNEXPECTED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Recognises our errors across copies of this module: lazily loaded parts of the CLI are bundled
 * with their own copy, so `instanceof` could miss one. A registered symbol is the same in every copy.
 */
const BRAND: unique symbol = Symbol.for('oneoffice.error') as never;

export class OneOfficeError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly [BRAND] = true;
  /** The setting this error is about (`maxTimeMs`, `cacert`...; api/settings.ts), when it is about one. */
  setting?: SettingName;
  constructor(message: string, code: ErrorCode, exitCode: ExitCodeValue, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Whether this is one of our errors, by its brand (see BRAND). */
export function isOneOfficeError(error: unknown): error is OneOfficeError & { problems?: string[] } {
  return typeof error === 'object' && error !== null && (error as { [BRAND]?: unknown })[BRAND] === true;
}

/** What any thrown value means to a user: its stable code, its message (masked by `redact`) and its exit code. */
export interface FailureDescription {
  /** One of our errors (a known failure), not a bug or a foreign error. */
  known: boolean;
  code: ErrorCode;
  message: string;
  exitCode: ExitCodeValue;
}

/**
 * The one place a thrown value becomes code, message and exit code (the CLI's error line, -w's
 * %{errormsg}, a batch record, a scenario step, the library client), masked on the way: every
 * front end gets the same words with the same secrets hidden.
 */
export function describeFailure(error: unknown, redact: (text: string) => string = (text) => text): FailureDescription {
  if (isOneOfficeError(error)) return { known: true, code: error.code, message: redact(error.message), exitCode: error.exitCode };
  const message = (error as Error | null | undefined)?.message ?? String(error);
  return { known: false, code: 'E_UNEXPECTED', message: redact(`unexpected error: ${message}`), exitCode: ExitCode.unexpected };
}

/** Bad flags or arguments; nothing was sent. */
export class UsageError extends OneOfficeError {
  constructor(message: string, code: ErrorCode = 'E_USAGE') {
    super(message, code, ExitCode.usage);
  }
}

/**
 * Params that fail the method's schema, or any other input with problems; nothing was sent. One
 * message per problem; a more precise code when all of them are of one kind (E_BAD_HEADER for -H lines).
 */
export class ValidationError extends OneOfficeError {
  readonly problems: string[];
  constructor(problems: string[], code: ErrorCode = 'E_VALIDATION') {
    super(problems.join('\n'), code, ExitCode.usage);
    this.problems = problems;
  }
}

/** Missing URL or token, unreadable config file or schema directory. */
export class ConfigError extends OneOfficeError {
  constructor(message: string, code: ErrorCode = 'E_CONFIG', options?: { cause?: unknown }) {
    super(message, code, ExitCode.config, options);
  }
}

/**
 * The server answered with a non-2xx status. `serverMessage` is the server's own message (the
 * API's errors are JSON strings); the message may instead describe a body that is not JSON.
 */
export class HttpError extends OneOfficeError {
  readonly status: number;
  readonly serverMessage: string | undefined;
  /** The answer's headers, names lower-cased (for library users). */
  readonly headers: Record<string, string | string[] | undefined>;
  /** The answer's body: parsed JSON, or its text when it is not JSON. */
  readonly body: unknown;
  constructor(status: number, statusText: string, detail: string | undefined, answer: { headers?: Record<string, string | string[] | undefined>; body?: unknown; serverMessage?: string } = {}) {
    super(
      `server answered ${status} ${statusText}${detail === undefined ? '' : `: ${detail}`}`,
      status >= 500 ? 'E_HTTP_5XX' : 'E_HTTP_4XX',
      status >= 500 ? ExitCode.http5xx : ExitCode.http4xx,
    );
    this.status = status;
    this.serverMessage = 'serverMessage' in answer ? answer.serverMessage : detail;
    this.headers = answer.headers ?? {};
    this.body = answer.body;
  }
}

/** DNS failure, refused or reset connection, TLS failure. */
export class NetworkError extends OneOfficeError {
  constructor(message: string, code: ErrorCode = 'E_NETWORK', options?: { cause?: unknown }) {
    super(message, code, ExitCode.network, options);
  }
}

export class TimeoutError extends OneOfficeError {
  constructor(message: string, code: ErrorCode = 'E_TIMEOUT', options?: { cause?: unknown }) {
    super(message, code, ExitCode.timeout, options);
  }
}

export type ExitCodeName = (typeof EXIT_CODES)[number]['name'];
/** A row of a command's exit list: a code of the table, in the command's own words if it has some. */
export interface ExitCodeRow {
  name: ExitCodeName;
  meaning?: string;
  /** Printed instead of the code, e.g. "4-7" for a range that shares one meaning. */
  label?: string;
}

/** An exit list for help, every code taken from the table (so it cannot name a code we do not use). */
export function exitCodeLines(rows: readonly ExitCodeRow[]): string[] {
  const labels = rows.map((row) => row.label ?? String(ExitCode[row.name]));
  const width = Math.max(...labels.map((label) => label.length));
  return rows.map((row, i) => `  ${(labels[i] as string).padEnd(width)}  ${row.meaning ?? (EXIT_CODES.find((entry) => entry.name === row.name) as (typeof EXIT_CODES)[number]).meaning}`);
}

/**
 * The exit-code table as help text (`oneoffice --help`, `<method> --help`): every code, signals too.
 * Made when asked: every bundle that holds this module would make it as it loads, for every command.
 */
export function exitCodeHelp(): string {
  return ['Exit codes:', ...exitCodeLines(EXIT_CODES.map((entry) => ({ name: entry.name })))].join('\n');
}
