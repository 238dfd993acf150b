// The flags of `oneoffice batch`: its own, plus those of single calls that still make sense for
// thousands of them (connection, retry, config). Per-call printing (-v, --curl, --show-secrets)
// and --params have no meaning here and are left out, so they are reported as unknown. Read here, at
// the CLI's edge, into typed options: nothing in batch/ reads a flag.
import { BATCH_OWN_OPTIONS, DEFAULT_CONCURRENCY, MAX_CONCURRENCY, MIN_RATE_PER_S, unknownOption, type ParsedArgs } from '../options/args.js';
import { BATCH_CALL_OPTIONS, BATCH_LEFT_OUT, BATCH_OPTIONS } from '../options/commands.js';

export { BATCH_CALL_OPTIONS, BATCH_OPTIONS, BATCH_OWN_OPTIONS, DEFAULT_CONCURRENCY, MIN_RATE_PER_S };
import { ValidationError } from '../api/errors.js';
import type { NetworkChoices } from '../api/settings.js';
import { readNetworkFlags } from '../options/network-flags.js';
import { readHeaderFlag } from '../options/header-flag.js';
import type { HeaderEdit } from '../api/header-lines.js';

import type { InputFormat } from '../batch/records.js';

export type { InputFormat };

export interface BatchOptions {
  /** A file path, or '-' for stdin. */
  input: string;
  format: InputFormat;
  /** CSV only: the method every row calls. */
  method?: string;
  concurrency: number;
  /** Calls started per second at most. */
  rate?: number;
  resultsPath?: string;
  resume: boolean;
  retryUncertain: boolean;
  retryFailed: boolean;
  stopOnError: boolean;
  dryRun: boolean;
  /** The connection and retry flags, typed (config/network.ts fills in the rest). */
  network: NetworkChoices;
  /** The -H lines, read. */
  headers: HeaderEdit[];
}

/** Reads and checks the batch flags; every problem is reported at once, like single calls do. */
export function readBatchOptions(parsed: ParsedArgs, expandPath: (path: string) => string = (path) => path): BatchOptions {
  const { options } = parsed;
  const problems = [...parsed.problems];
  // parseCallArgs keeps flags it does not know as method params; batch has none.
  // A single call's option that batch leaves out is named as such, not "corrected" to another.
  for (const param of parsed.params) problems.push(unknownOption(param.flag, BATCH_LEFT_OUT.has(param.flag) ? [] : BATCH_OPTIONS, ' (see oneoffice batch --help)'));
  const [given, ...extra] = parsed.positionals;
  // A leading ~ that cmd.exe or PowerShell passed on as typed.
  const input = given === undefined ? undefined : expandPath(given);
  if (input === undefined) problems.push('batch: missing <file> (or - to read stdin)');
  for (const arg of extra) problems.push(`unexpected argument ${JSON.stringify(arg)}`);

  const concurrency = wholeNumber(options['concurrency'], '--concurrency', DEFAULT_CONCURRENCY, MAX_CONCURRENCY, problems);
  const rate = positiveNumber(options['rate'], '--rate', problems);
  const network = readNetworkFlags(options);
  problems.push(...network.problems);
  // Read once per batch, here, with the other flags: every bad line is reported before the input is read.
  const { headers, problems: headerProblems } = readHeaderFlag(options);
  problems.push(...headerProblems);
  const results = typeof options['results'] === 'string' ? options['results'] : undefined;
  const resultsPath = results ? expandPath(results) : results;
  const resume = options['resume'] === true;
  const retryUncertain = options['retry-uncertain'] === true;
  if (resume && resultsPath === undefined) problems.push('--resume needs --results <file>: the file the batch recorded its results in');
  if (retryUncertain && !resume) problems.push('--retry-uncertain goes with --resume');
  const retryFailed = options['retry-failed'] === true;
  if (retryFailed && !resume) problems.push('--retry-failed goes with --resume');
  if (options['stop-on-error'] === true && options['continue-on-error'] === true) problems.push('--stop-on-error and --continue-on-error contradict each other');
  if (resultsPath === '') problems.push('--results: needs a file name');

  const method = typeof options['method'] === 'string' ? options['method'] : undefined;
  const format = method !== undefined ? 'csv' : 'ndjson';
  if (method === undefined && input !== undefined && /\.csv$/i.test(input)) {
    problems.push(`${input}: CSV input needs --method <name>, the method every row calls`);
  }
  if (method !== undefined && input !== undefined && /\.(nd)?jsonl?$/i.test(input)) {
    problems.push(`--method is for CSV input; in ${input} (NDJSON) each line names its method`);
  }
  if (problems.length) throw new ValidationError(problems);
  return {
    input: input as string,
    format,
    ...(method !== undefined ? { method } : {}),
    concurrency,
    ...(rate !== undefined ? { rate } : {}),
    ...(resultsPath !== undefined ? { resultsPath } : {}),
    resume,
    retryUncertain,
    retryFailed,
    stopOnError: options['stop-on-error'] === true,
    dryRun: options['dry-run'] === true,
    network: network.choices,
    headers,
  };
}

function wholeNumber(value: unknown, flag: string, fallback: number, max: number, problems: string[]): number {
  if (typeof value !== 'string') return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < 1 || number > max) {
    problems.push(`${flag}: must be a whole number from 1 to ${max} (got ${JSON.stringify(value)})`);
    return fallback;
  }
  return number;
}

function positiveNumber(value: unknown, flag: string, problems: string[]): number | undefined {
  if (typeof value !== 'string') return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < MIN_RATE_PER_S) {
    problems.push(`${flag}: must be a number of calls per second, at least ${MIN_RATE_PER_S} (one call every 1000 s) (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return number;
}
