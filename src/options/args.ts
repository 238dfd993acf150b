// The argument parser for commands that call the API (one per method, and `call`). Commander
// handles the fixed commands; here the flags come from a schema, and an unknown flag must not
// swallow the ones after it: every problem is collected and reported at once.
import type { ParamToken } from '../api/params.js';
import { camel, isBooleanFlag, type ParamFlag } from '../api/schema/flags.js';
import { closest } from '../api/suggest.js';

export type { ParamToken };

export interface OptionSpec {
  long: string;
  short?: string;
  /** none: a switch; count: a switch that may repeat (-v, -vv); value: one value; list: repeatable value; optional: a switch or --flag=value. */
  takes: 'none' | 'count' | 'value' | 'list' | 'optional';
  valueName?: string;
  description: string;
  /** What the shell offers for its value on TAB (cli/complete.ts); nothing when absent. */
  complete?: ValueCompletion;
}

/**
 * What a value (of an option, or an operand) completes to, as data: cli/complete.ts reads it.
 * `words`: these values; `prefixes`: one of these, then a file name after it (`junit:out.xml`).
 */
export type ValueCompletion =
  | { kind: 'files' | 'dirs' | 'at-files' | 'profiles' | 'methods' | 'commands' | 'env-names' | 'input' | 'config-keys' | 'config-value' }
  | { kind: 'words'; words: readonly string[] }
  | { kind: 'prefixes'; prefixes: readonly string[] };

const FILES: ValueCompletion = { kind: 'files' };

/**
 * Options of every command, read wherever they stand (scanGlobalOptions); the one table behind the
 * fast parser of method commands and commander's help for the others.
 */
export const GLOBAL_OPTIONS: OptionSpec[] = [
  { long: '--profile', complete: { kind: 'profiles' }, takes: 'value', valueName: 'name', description: 'config profile; it beats $ONEOFFICE_URL/$URL and their tokens (else $ONEOFFICE_PROFILE, else the one "config use" chose, else "default")' },
  { long: '--config', complete: FILES, takes: 'value', valueName: 'file', description: 'config file (else $ONEOFFICE_CONFIG)' },
  { long: '--schemas', complete: { kind: 'dirs' }, takes: 'value', valueName: 'dir', description: 'extra method schemas (else $ONEOFFICE_SCHEMAS, config)' },
  { long: '--no-color', takes: 'none', description: 'no colour (also $NO_COLOR)' },
  { long: '--debug', takes: 'none', description: 'show stack traces of errors' },
];

/** Options every API-calling command accepts (besides the method's own parameter flags). */
export const CALL_OPTIONS: OptionSpec[] = [
  { long: '--params', complete: { kind: 'at-files' }, takes: 'value', valueName: 'json|@file|-', description: 'params as JSON text, @file or - (stdin; at most 1 MiB); flags win over it' },
  { long: '--url', takes: 'value', valueName: 'url', description: 'API endpoint (else the --profile, $ONEOFFICE_URL, $ONEOFFICE_PROFILE\'s, $URL, the default profile)' },
  { long: '--bearer', takes: 'value', valueName: 'token', description: 'API token (else the --profile, $ONEOFFICE_BEARER, $ONEOFFICE_PROFILE\'s, $BEARER, the default profile)' },
  { long: '--header', short: '-H', takes: 'list', valueName: 'name: value', description: 'extra request header (repeatable; "Name:" removes one; ASCII and Latin-1 values)' },
  { long: '--verbose', short: '-v', takes: 'count', description: 'show the exchange on stderr like curl -v; -vv adds timings' },
  { long: '--query', takes: 'value', valueName: 'expr', description: 'print a JMESPath query on the answer instead of the body (a string as plain text); a query that cannot work is refused before sending (exit 2), one that fails on the answer exits 1' },
  { long: '--dry-run', takes: 'none', description: 'print the request as it would be sent, and send nothing' },
  { long: '--curl', complete: { kind: 'words', words: ['sh', 'powershell', 'cmd'] }, takes: 'optional', valueName: 'sh|powershell|cmd', description: 'print an equivalent curl command for that shell (default: sh; on Windows the shell in use), and send nothing' },
  { long: '--show-secrets', takes: 'none', description: 'show the token and secret params unmasked in printed requests' },
  { long: '--no-validate', takes: 'none', description: 'send params without checking them against the schema' },
  { long: '--allow-insecure-http', takes: 'none', description: 'allow sending the token over plain http:// to a host that is not loopback' },
  { long: '--connect-timeout', takes: 'value', valueName: 'seconds', description: 'give up connecting after this long (default 10, at most 86400)' },
  { long: '--max-time', takes: 'value', valueName: 'seconds', description: 'give up on each attempt after this long (default 30, at most 86400); with --retry a call may take longer: --retry-max-time bounds the retries' },
  { long: '--retry', takes: 'value', valueName: 'n', description: 'retry what is safe to retry (default 2 for reads, 0 for every other method)' },
  { long: '--retry-max-time', takes: 'value', valueName: 'seconds', description: 'stop retrying after this long (at most 86400; default: no limit, but a Retry-After over 600 s is not waited for)' },
  { long: '--retry-delay', takes: 'value', valueName: 'seconds', description: 'fixed pause between retries (at most 86400; default: exponential backoff with jitter)' },
  { long: '--proxy', takes: 'value', valueName: 'url', description: 'HTTP proxy (else $HTTPS_PROXY/$HTTP_PROXY, minus $NO_PROXY)' },
  { long: '--cacert', complete: FILES, takes: 'value', valueName: 'file', description: 'trust the CA certificates in this PEM file (also $NODE_EXTRA_CA_CERTS)' },
  { long: '--insecure', short: '-k', takes: 'none', description: 'do not check the server certificate (unsafe)' },
  { long: '--cert', complete: FILES, takes: 'value', valueName: 'file', description: 'client certificate (PEM; may hold the key too) for servers that require one' },
  { long: '--key', complete: FILES, takes: 'value', valueName: 'file', description: 'private key of --cert (PEM), when not in the --cert file' },
  { long: '--pass-env', complete: { kind: 'env-names' }, takes: 'value', valueName: 'name', description: 'read the passphrase of an encrypted key from this environment variable (else a hidden prompt on a terminal)' },
  { long: '--write-out', complete: { kind: 'at-files' }, short: '-w', takes: 'value', valueName: 'format', description: 'after the body, write this as curl -w does (%{http_code}, %{time_total}, %{json}, %header{name}, \\n, @file, @- for stdin...) on stdout, also when the call failed; an unknown variable is a warning; %{exitcode} is oneoffice\'s exit code, not curl\'s (connection refused: 6 here, 7 in curl)' },
  ...GLOBAL_OPTIONS,
  { long: '--help', short: '-h', takes: 'none', description: 'show this help' },
];

/** The options of `oneoffice batch` of its own (src/cli/batch-options.ts adds those of single calls). */
export const DEFAULT_CONCURRENCY = 8;
export const MAX_CONCURRENCY = 1000;
/** The slowest --rate: one call every 1000 s. Slower would be timer waits Node cannot make (and no batch). */
export const MIN_RATE_PER_S = 0.001;

export const BATCH_OWN_OPTIONS: OptionSpec[] = [
  { long: '--concurrency', takes: 'value', valueName: 'n', description: `calls in flight at once, over as many keep-alive connections (default ${DEFAULT_CONCURRENCY}, at most ${MAX_CONCURRENCY})` },
  { long: '--results', complete: FILES, takes: 'value', valueName: 'file', description: 'append the results to this file (and keep <file>.journal), instead of stdout; needed to --resume' },
  { long: '--resume', takes: 'none', description: 'continue the batch recorded in --results: skip lines with a result, send the rest' },
  { long: '--retry-uncertain', takes: 'none', description: 'with --resume: send again the lines that were sent but have no result (may do them twice)' },
  { long: '--retry-failed', takes: 'none', description: 'with --resume: send again the lines whose result was a failure (not the uncertain ones)' },
  { long: '--method', complete: { kind: 'methods' }, takes: 'value', valueName: 'name', description: 'the method of every row: the input is CSV' },
  { long: '--continue-on-error', takes: 'none', description: 'keep going after a failed call (the default)' },
  { long: '--stop-on-error', takes: 'none', description: 'start no more calls after the first failure; the calls in flight finish' },
  { long: '--rate', takes: 'value', valueName: 'calls/s', description: `start at most this many calls per second (at least ${MIN_RATE_PER_S}; default: no limit)` },
];

/** --max-time where a call is never retried (doctor's probe, mock's upstream calls): its attempt is the whole call. */
export const withoutRetries = (spec: OptionSpec): OptionSpec =>
  spec.long === '--max-time' ? { ...spec, description: 'give up on the call after this long (default 30, at most 86400)' } : spec;

/** `oneoffice doctor`'s own flag (options/commands.ts adds those of single calls that say where and how calls go). */
export const DOCTOR_OWN_OPTIONS: OptionSpec[] = [{ long: '--json', takes: 'none', description: 'print the checks as JSON, for scripts' }];

/** The flags of single calls that say how `mock --upstream` reaches the real API. */
const UPSTREAM_CONNECTION_FLAGS = ['--allow-insecure-http', '--connect-timeout', '--max-time', '--proxy', '--cacert', '--insecure', '--cert', '--key', '--pass-env'];

/** The options of `oneoffice mock` (commander parses them; main() needs to know which take a value). */

export const MOCK_OPTIONS: OptionSpec[] = [
  { long: '--host', takes: 'value', valueName: 'host', description: 'address to listen on (0.0.0.0: every interface; the URL printed is then 127.0.0.1)' },
  { long: '--port', takes: 'value', valueName: 'port', description: 'port to listen on (0: any free port)' },
  { long: '--token', takes: 'value', valueName: 'token', description: 'the API token calls must send in x-api-key (default: a random one)' },
  { long: '--state', complete: FILES, takes: 'value', valueName: 'file', description: 'keep the data in this file (mode 0600) across restarts and crashes: every change is on disk before it is answered; one mock per file' },
  { long: '--latency', takes: 'value', valueName: 'ms', description: 'delay every answer by this many milliseconds' },
  { long: '--fail-rate', takes: 'value', valueName: 'rate', description: 'answer this share of calls (0..1) with 503 and Retry-After: 1' },
  { long: '--rate-limit', takes: 'value', valueName: 'calls/s', description: 'accept at most this many calls per second (bursts up to one second\'s worth); answer the others 429 with Retry-After, doing nothing' },
  { long: '--quiet', takes: 'none', description: 'no log line per call on stderr' },
  { long: '--print', complete: { kind: 'words', words: ['sh', 'powershell', 'cmd', 'json'] }, takes: 'value', valueName: 'format', description: 'how to print the settings for the client: sh (an export line), powershell ($env: assignments), cmd (set lines) or json (default: sh; on Windows the shell in use)' },
  { long: '--ready-file', complete: FILES, takes: 'value', valueName: 'file', description: 'once listening, write the settings it prints to this file (mode 0600; removed on stop): scripts wait for it instead of sleeping' },
  { long: '--schemas', complete: { kind: 'dirs' }, takes: 'value', valueName: 'dir', description: 'extra method schemas to validate with (else $ONEOFFICE_SCHEMAS, config)' },
  { long: '--upstream', takes: 'value', valueName: 'url', description: 'pass every call, once checked, on to the real API at this URL with its token from the usual settings (--profile, $ONEOFFICE_BEARER, ...); answers differing from the schemas are reported on stderr (drift)' },
  { long: '--record', complete: FILES, takes: 'value', valueName: 'file', description: 'with --upstream: write every exchange to this file as NDJSON (mode 0600; secret params masked, never the token)' },
  { long: '--replay', complete: FILES, takes: 'value', valueName: 'file', description: 'answer the calls recorded in this file (--record); any other call gets a 404 naming the file' },
  { long: '--replay-match', takes: 'value', valueName: 'params', description: 'with --replay: match calls on the method and these params only (comma-separated, e.g. email or admin.email)' },
  // How the mock reaches --upstream: the connection flags of single calls.
  ...CALL_OPTIONS.filter((spec) => UPSTREAM_CONNECTION_FLAGS.includes(spec.long)).map(withoutRetries),
];

/** The options of `oneoffice test` of its own (src/cli/test-options.ts adds those of single calls). */
export const MAX_TEST_JOBS = 64;

/** The formats of `oneoffice test --report FORMAT:FILE` (scenario/reports.ts writes them). */
export type ReportFormat = 'junit' | 'tap' | 'json' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['junit', 'tap', 'json', 'html'];

export const TEST_OWN_OPTIONS: OptionSpec[] = [
  { long: '--var', takes: 'list', valueName: 'name=value', description: "set a variable, over the file's vars (repeatable)" },
  { long: '--vars-file', complete: FILES, takes: 'value', valueName: 'file', description: "variables from a YAML or JSON mapping, over the file's vars (--var wins)" },
  { long: '--glob', takes: 'list', valueName: 'pattern', description: 'run the files matching a pattern, e.g. "smoke/**/*.yml" (repeatable)' },
  { long: '--jobs', takes: 'value', valueName: 'n', description: `files run at once (default 1, at most ${MAX_TEST_JOBS}); steps of a file always run in order` },
  { long: '--report', complete: { kind: 'prefixes', prefixes: REPORT_FORMATS.map((format) => `${format}:`) }, takes: 'list', valueName: 'format:file', description: 'also write a report: junit:FILE, tap:FILE, json:FILE or html:FILE (repeatable); FILE - is stdout (the console then writes to stderr), a missing folder is made' },
  { long: '--mock', takes: 'none', description: 'run against a fresh local server (oneoffice mock) in this process: no URL or token needed' },
  { long: '--dry-run', takes: 'none', description: 'check the files and send nothing' },
  { long: '--print-schema', takes: 'none', description: 'print the JSON Schema of scenario files (for editors; see the README) and exit' },
];

/** "unknown option --max-tme (did you mean --max-time?)", suggesting from the options of the command at hand. */
export function unknownOption(flag: string, specs: readonly OptionSpec[], otherwise = ''): string {
  const suggestion = closest(flag, specs.map((spec) => spec.long));
  return `unknown option ${flag}${suggestion ? ` (did you mean ${suggestion}?)` : otherwise}`;
}

/**
 * A commander error message in the words of our own parser: one line, the option unquoted
 * (`unknown option --prot (did you mean --port?)`), so every command reports alike.
 */
export function commanderProblem(message: string): string {
  return message
    .replace(/^error: /, '')
    .replace(/unknown option '([^']*)'/, 'unknown option $1')
    .replace(/\s*\n\(Did you mean (.*)\)\s*$/, ' (did you mean $1)')
    .trim();
}

/** An option as commander declares it: "-H, --header <name: value>". */
export function commanderFlags(spec: OptionSpec): string {
  const value = spec.takes === 'value' || spec.takes === 'list' ? ` <${spec.valueName ?? 'value'}>` : spec.takes === 'optional' ? ` [${spec.valueName ?? 'value'}]` : '';
  return `${spec.short ? `${spec.short}, ` : ''}${spec.long}${value}`;
}

export interface ParsedArgs {
  /** Keyed by long name without dashes: `url`, `header` (string[]), `no-color` (true), `verbose` (2)... */
  options: Record<string, string | string[] | true | number>;
  params: ParamToken[];
  positionals: string[];
  problems: string[];
  /** Params paths (joined with '.') of flags that could not be read, e.g. a missing value. */
  problemPaths: string[];
}

export function parseCallArgs(argv: readonly string[], optionSpecs: readonly OptionSpec[], paramFlags: readonly ParamFlag[]): ParsedArgs {
  const result: ParsedArgs = { options: {}, params: [], positionals: [], problems: [], problemPaths: [] };
  const byLong = new Map(optionSpecs.map((spec) => [spec.long, spec]));
  const byShort = new Map(optionSpecs.filter((spec) => spec.short).map((spec) => [spec.short as string, spec]));
  const byFlag = new Map(paramFlags.map((param) => [param.flag, param]));
  /**
   * `--display-name --dry-run`: taking the next flag as the value would silently drop that flag
   * (and send a real call named "--dry-run"). Refused; `--display-name=--dry-run` says it on
   * purpose. Only a known flag is quoted back (and then read as a flag): anything else may be a
   * secret that starts with "-", so it is skipped without a word.
   */
  const swallowsOption = (flag: string, following: string | undefined, skip: () => void): boolean => {
    if (following === undefined || !looksLikeOption(following)) return false;
    const name = following.split('=')[0] as string;
    const known = byLong.has(name) || byShort.has(name) || byFlag.has(name) || byFlag.has(`--${name.slice(5)}`) || /^-([A-Za-z])\1+$/.test(name);
    result.problems.push(`${flag}: needs a value, but ${known ? `the flag ${name} follows it` : 'what follows it starts with "-"'} (to pass a value that starts with "-" on purpose, write ${flag}=${known ? name : '<value>'})`);
    if (!known) skip();
    return true;
  };

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    // Past the end it is undefined, and the loop ends.
    const next = (): string | undefined => argv[++i];
    const peek = (): string | undefined => argv[i + 1];

    if (token === '--') {
      result.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      result.positionals.push(token);
      continue;
    }
    // Repeated short switches: -vv
    const repeated = /^-([A-Za-z])\1+$/.exec(token);
    const repeatedSpec = repeated ? byShort.get(`-${repeated[1]}`) : undefined;
    if (repeatedSpec?.takes === 'count') {
      const key = repeatedSpec.long.slice(2);
      result.options[key] = ((result.options[key] as number | undefined) ?? 0) + token.length - 1;
      continue;
    }
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const name = eq === -1 ? token : token.slice(0, eq);
    const inline = eq === -1 ? undefined : token.slice(eq + 1);
    const spec = byLong.get(name) ?? byShort.get(name);

    if (spec) {
      const key = spec.long.slice(2);
      if (spec.takes === 'optional') {
        result.options[key] = inline ?? true;
        continue;
      }
      if (spec.takes === 'none' || spec.takes === 'count') {
        if (inline !== undefined) result.problems.push(`${spec.long} takes no value`);
        result.options[key] = spec.takes === 'count' ? ((result.options[key] as number | undefined) ?? 0) + 1 : true;
        continue;
      }
      if (inline === undefined && swallowsOption(spec.long, peek(), next)) continue;
      const value = inline ?? next();
      if (value === undefined) {
        result.problems.push(`${spec.long}: needs a value (${spec.valueName ?? 'value'})`);
        continue;
      }
      if (spec.takes === 'list') {
        const list = (result.options[key] as string[] | undefined) ?? [];
        list.push(value);
        result.options[key] = list;
      } else {
        result.options[key] = value;
      }
      continue;
    }
    if (!token.startsWith('--')) {
      result.problems.push(unknownOption(name, optionSpecs));
      continue;
    }

    const known = byFlag.get(name);
    if (known) {
      if (isBooleanFlag(known.schema)) {
        // A word after a boolean flag is its value: `--is-active maybe` is then reported as a wrong
        // value ("must be true or false"), not as a stray argument. No command takes operands here.
        // (No true/false word looks like a flag, so a flag after it is always read as a flag.)
        const following = peek();
        const raw = inline ?? (following !== undefined && !looksLikeOption(following) ? (next() as string) : true);
        result.params.push({ flag: name, path: known.path, raw, known });
        continue;
      }
      if (inline === undefined && swallowsOption(name, peek(), next)) {
        result.problemPaths.push(known.path.join('.'));
        continue;
      }
      const value = inline ?? next();
      if (value === undefined) {
        result.problems.push(`${name}: needs a value`);
        result.problemPaths.push(known.path.join('.'));
      }
      else result.params.push({ flag: name, path: known.path, raw: value, known });
      continue;
    }
    const negated = name.startsWith('--no-') ? byFlag.get(`--${name.slice(5)}`) : undefined;
    if (negated && isBooleanFlag(negated.schema)) {
      if (inline !== undefined) result.problems.push(`${name} takes no value`);
      result.params.push({ flag: name, path: negated.path, raw: 'false', known: negated });
      continue;
    }
    // Not in the schema: keep it as a parameter so validation names it (with a suggestion), or
    // passes it on when the schema allows extra properties.
    const following = peek();
    const raw = inline ?? (following !== undefined && !looksLikeOption(following) ? (next() as string) : true);
    result.params.push({ flag: name, path: name.slice(2).split('.').map(camel), raw, known: undefined });
  }
  return result;
}

/** `--x`, `-v`, `--`: a flag, not a value. `-` (stdin) and `-5` (a number) are values. */
export function looksLikeOption(token: string): boolean {
  return token === '--' || /^--?[A-Za-z_]/.test(token);
}

/**
 * The options that decide which commands exist (schemas, config, profile) and how errors print
 * (debug, colour), read from anywhere on the command line before the command is known.
 */
export function scanGlobalOptions(argv: readonly string[]): { config?: string; profile?: string; schemas?: string; debug: boolean; noColor: boolean } {
  const found: { config?: string; profile?: string; schemas?: string; debug: boolean; noColor: boolean } = { debug: false, noColor: false };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') break;
    if (token === '--debug') found.debug = true;
    else if (token === '--no-color') found.noColor = true;
    for (const key of ['config', 'profile', 'schemas'] as const) {
      if (token === `--${key}` && i + 1 < argv.length) found[key] = argv[++i] as string;
      else if (token.startsWith(`--${key}=`)) found[key] = token.slice(key.length + 3);
    }
  }
  return found;
}
