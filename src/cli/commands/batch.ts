// `oneoffice batch <file | ->`: many calls from an NDJSON or CSV file. Pass 1 checks every line
// and sends nothing if one is invalid; pass 2 sends (src/batch/run.ts). undici loads only when
// calls are really sent.
import { parseCallArgs, type ParsedArgs } from '../../options/args.js';
import { checkInput, type CheckResult } from '../../batch/check.js';
import { Gate, StopControl, watchSignals } from '../../batch/gate.js';
import { batchHelp } from '../help/batch-help.js';
import { fitHelp } from '../help/wrap.js';

export { batchHelp };
import { openInput, type BatchInput } from '../../batch/input.js';
import { BatchRecord, checkResultsFile, journalUrl, type JournalHeader } from '../../batch/journal.js';
import { readPriorState, type PriorState } from '../../batch/prior.js';
import { BATCH_OPTIONS, readBatchOptions, type BatchOptions } from '../batch-options.js';
import { Preparer, unknownMethod } from '../../batch/prepare.js';
import { plural, summaryLines, Tally } from '../../batch/progress.js';
import { ProgressDisplay, type PaceFacts } from '../../output/progress-display.js';
import { runCalls, type RunResult } from '../../batch/run.js';
import { sendBatchCall } from '../../batch/sender.js';
import { openTransport, type Transport } from '../../http/transport.js';
import { fileSink, streamSink, type ResultSink } from '../../batch/sink.js';
import { expandHome } from '../../config/paths.js';
import type { Context } from '../context.js';
import { ConfigError, ExitCode, OneOfficeError, SIGNAL_EXIT_CODES, UsageError, ValidationError } from '../../api/errors.js';
import { holderText, tryLockFile, type HeldLock } from '../../files/lock.js';
import { INSECURE_WARNING, resolveNetworkPair, type NetworkSettings } from '../../config/network.js';
import { FLAG_NAMES } from '../../options/network-flags.js';
import { shellQuote } from '../../output/quote.js';
import { buildCall, callBuilder } from '../../api/request.js';
import type { Target } from '../../config/target.js';
import { unlockClientKey } from '../unlock-key.js';
import { targetFromArgs } from './target.js';
import { monotonicMs } from '../../api/clock.js';
import { Throttle } from '../../client/throttle.js';

/** How long calls in flight may finish after Ctrl-C before they are abandoned. */
const GRACE_MS = 5000;

interface Setup {
  ctx: Context;
  options: BatchOptions;
  parsed: ParsedArgs;
  target: Target;
  /** The settings of calls to non-idempotent methods; the connection options are the same for all. */
  baseNetwork: NetworkSettings;
  networkFor: (method: string) => NetworkSettings;
  prior: PriorState | undefined;
  stop: StopControl;
}

export async function runBatchCommand(ctx: Context, argv: readonly string[]): Promise<number> {
  const parsed = parseCallArgs(argv, BATCH_OPTIONS, []);
  if (parsed.options['help']) {
    ctx.deps.stdout.write(fitHelp(ctx.deps, batchHelp()));
    return ExitCode.ok;
  }
  const options = readBatchOptions(parsed, (path) => expandHome(path, ctx.deps.env, ctx.platform()));
  const registry = ctx.registry();
  if (options.method !== undefined && !registry.get(options.method)) throw new UsageError(`--method: ${unknownMethod(options.method, registry)}`);
  // Everything that can be wrong with the flags or the config is found before the input is read.
  const target = resolveConnection(ctx, parsed, options);
  // Retry defaults depend on whether a method is idempotent; nothing else differs between calls.
  const { create: baseNetwork, read: readNetwork } = resolveNetworkPair(options.network, FLAG_NAMES, ctx.config().profile, ctx.deps.env, target.url, ctx.platform());
  const networkFor = (method: string) => (registry.get(method)?.schema['x-idempotent'] === true ? readNetwork : baseNetwork);
  // One pool for every call, made with the base settings: its key is unlocked once.
  if (baseNetwork.clientCert && !options.dryRun) await unlockClientKey(ctx, baseNetwork.clientCert);

  const { resultsPath } = options;
  // Held from before the results are read until the last record is written: two runs on one file
  // would both send the lines neither has recorded yet.
  const lock = resultsPath !== undefined && !options.dryRun ? lockResults(resultsPath) : undefined;
  let input: BatchInput | undefined;
  let unwatch: (() => void) | undefined;
  try {
    if (resultsPath !== undefined && !options.dryRun) checkResultsFile(resultsPath, options.resume);
    const prior = options.resume && resultsPath !== undefined ? await readPriorState(resultsPath) : undefined;
    const url = journalUrl(target.url);
    if (prior?.header && prior.header.url !== url) {
      throw new UsageError(`--resume: ${resultsPath} was written for calls to ${prior.header.url}, not ${url}: resume with that URL (--url, or the profile that has it), or start over with another --results file`, 'E_OTHER_TARGET');
    }

    const stop = new StopControl();
    unwatch = watchSignals(stop);
    input = openInput(options.input, ctx.deps.stdin, { warn: (message) => ctx.warn(`batch: ${message}`) });
    const preparer = new Preparer(registry, options.method);
    const checked = await checkInput(input, preparer, { format: options.format, prior, retryUncertain: options.retryUncertain, retryFailed: options.retryFailed }, stop);
    if (checked.interrupted) {
      ctx.deps.stderr.write(`batch: interrupted (${stop.signal}) while checking the input; nothing was sent\n`);
      return SIGNAL_EXIT_CODES[stop.signal ?? 'SIGINT'];
    }
    if (checked.invalidLines) throw new ValidationError(problemReport(checked));
    const header: JournalHeader = { input: options.input, sha256: input.sha256(), bytes: input.bytes(), format: options.format, method: options.method ?? null, url };
    if (prior?.header && (prior.header.sha256 !== header.sha256 || prior.header.bytes !== header.bytes || prior.header.format !== header.format || prior.header.method !== header.method)) {
      throw new UsageError(
        `--resume: ${resultsPath} was written for other input (${prior.header.input}${prior.header.method ? ` with --method ${prior.header.method}` : ''}, different content); resuming would skip or repeat the wrong lines`,
        'E_OTHER_INPUT',
      );
    }
    return await sendAll({ ctx, options, parsed, target, baseNetwork, networkFor, prior, stop }, input, preparer, checked, header);
  } finally {
    unwatch?.();
    await input?.dispose();
    lock?.release();
  }
}

function lockResults(resultsPath: string): HeldLock {
  const attempt = tryLockFile(resultsPath);
  if (attempt.kind === 'held') return attempt.lock;
  if (attempt.kind === 'busy') {
    throw new ConfigError(`--results: ${resultsPath} is in use by ${holderText(attempt.pid)} (a batch writing to it); wait for it to end, or choose another --results file`, 'E_RESULTS_LOCKED');
  }
  throw new UsageError(`--results: cannot write ${resultsPath}: ${attempt.error.code ?? attempt.error.message}`, 'E_RESULTS_WRITE');
}

async function sendAll(setup: Setup, input: BatchInput, preparer: Preparer, checked: CheckResult, header: JournalHeader): Promise<number> {
  const { ctx, options, target, stop } = setup;
  const { stderr, stdout } = ctx.deps;
  if (!options.dryRun) await preferShortRunParser(ctx);
  const transport = options.dryRun ? undefined : await openPool(ctx, setup.baseNetwork, options.concurrency);
  const tally = new Tally();
  const retry = setup.baseNetwork.retry;
  // One pace for all calls: a push-back from the server slows every worker, not only the one that got it.
  const throttle = new Throttle({ concurrency: options.concurrency, ...(options.rate ? { ceilingPerS: options.rate } : {}), ...(retry.retryMaxTimeMs > 0 ? { maxPauseMs: retry.retryMaxTimeMs } : {}) });
  const progress = new ProgressDisplay(stderr, { enabled: stderr.isTTY === true && !options.dryRun, label: 'batch', total: checked.toSend, pace: () => paceFacts(throttle) });
  // The token was checked in resolveConnection and the -H lines read with the other flags: here they are only put in order, once.
  const build = callBuilder({ url: target.url, token: target.token, headers: options.headers });
  const started = monotonicMs();
  let record: BatchRecord | undefined;
  let sink: ResultSink | undefined;
  let run: RunResult;
  try {
    record = options.resultsPath !== undefined && !options.dryRun ? BatchRecord.open(options.resultsPath, header) : undefined;
    const onFailure = (why: string) => stop.onOutputFailure(why);
    const aboveBar = stdout.isTTY === true && progress.enabled ? (write: () => void) => progress.above(write) : undefined;
    sink = record ? fileSink(record, options.resultsPath as string, onFailure) : streamSink(stdout, onFailure, aboveBar);
    run = await runCalls({
      input,
      format: options.format,
      preparer,
      prior: setup.prior,
      retryUncertain: options.retryUncertain,
      retryFailed: options.retryFailed,
      stopOnError: options.stopOnError,
      gate: new Gate({ concurrency: options.concurrency, ...(options.rate ? { rate: options.rate } : {}), room: sink.room, throttle }, stop),
      stop,
      tally,
      progress,
      sink,
      build: (call) => build(call.method, call.params),
      ...(transport ? { perform: (request, call, onRetry, secrets) => sendBatchCall(transport, request, setup.networkFor(call.method).retry, onRetry, stop, secrets, throttle) } : {}),
      secretForms: ctx.secretForms(),
      graceMs: GRACE_MS,
    });
  } finally {
    // Destroying the pool also ends calls abandoned after Ctrl-C, so the process can exit.
    await transport?.close();
    sink?.flush();
    record?.close();
    progress.clear();
  }
  const seconds = (monotonicMs() - started) / 1000;
  if (options.dryRun) {
    const earlierFailed = tally.earlierFailed ? `, ${tally.earlierFailed} of them failed` : '';
    const skipped = tally.skipped ? `; ${plural(tally.skipped, 'line')} skipped (results from before${earlierFailed})` : '';
    const uncertain = tally.uncertainCount ? `; ${tally.uncertainCount} uncertain, not to be sent` : '';
    stderr.write(`batch: dry run: ${plural(run.started, 'call')} checked and built in ${seconds.toFixed(1)} s, nothing sent${skipped}${uncertain}\n`);
    return ExitCode.ok;
  }
  const stoppedAt = stop.failed ? tally.firstFailure?.line : undefined;
  const unfinished = stop.stopping || run.changedAt !== undefined;
  const lost = sink?.lost() ?? 0;
  const lines = summaryLines({
    tally,
    seconds,
    resultsPath: options.resultsPath,
    notSent: Math.max(0, checked.toSend - run.started),
    stoppedAt,
    signal: stop.signal,
    outputFailure: stop.outputFailure === undefined ? undefined : { why: stop.outputFailure, lost },
    resumeCommand: unfinished && options.resultsPath !== undefined ? resumeCommand(options) : undefined,
    pace: throttle.facts(),
  });
  stderr.write(lines.map((line) => `${line}\n`).join(''));
  if (run.changedAt !== undefined) {
    throw new OneOfficeError(`batch: ${input.name} changed while the batch ran: line ${run.changedAt} no longer passes the checks, so nothing after it was sent`, 'E_INPUT_CHANGED', ExitCode.unexpected);
  }
  if (stop.signal) return SIGNAL_EXIT_CODES[stop.signal];
  // Results were lost: whatever the calls did, the caller cannot know it from the output.
  if (stop.outputFailure !== undefined) return ExitCode.output;
  if (stop.failed && tally.firstFailure) return tally.firstFailure.exitCode;
  return tally.worstExitCode;
}

/** What the progress bar says of the server's pace: a pause it asked for, its 429s. */
function paceFacts(throttle: Throttle): PaceFacts {
  const facts = throttle.facts();
  return { waitingMs: facts.pausedForMs, tooManyRequests: facts.tooManyRequests };
}

/**
 * undici parses answers in WebAssembly, and V8 re-compiles its parser with its optimising compiler on
 * a background thread once it is hot: ~0.15 s of CPU, taken from the server on a machine of two
 * cores. A batch of 10,000 calls does not earn that back (whole process CPU 7 % less, sending 5 %
 * faster without it, paired runs; still 5 % less CPU at 40,000 calls), so the parser stays on the
 * baseline compiler, as for a proxied single call (perform.ts). JavaScript is optimised as before
 * (without that, --no-opt, the same batch took 38 % more CPU). Set before undici is loaded.
 */
async function preferShortRunParser(ctx: Context): Promise<void> {
  await ctx.deps.engineFlags?.(['--liftoff-only']);
}

/** One connection pool for the whole batch: keep-alive, as many connections as calls in flight. */
async function openPool(ctx: Context, network: NetworkSettings, concurrency: number): Promise<Transport> {
  if (network.insecure) ctx.warn(INSECURE_WARNING);
  return openTransport({ ...network, connections: concurrency }, { pooled: true, ...(ctx.deps.dispatcher ? { dispatcher: ctx.deps.dispatcher } : {}) });
}

function resolveConnection(ctx: Context, parsed: ParsedArgs, options: BatchOptions): Target {
  const target = targetFromArgs(ctx, parsed, options.headers);
  // The -H lines were read with the other flags (readBatchOptions); a bad token fails now rather than on the first call.
  buildCall({ url: target.url, token: target.token, apiMethod: 'batch', params: {} });
  return target;
}

function problemReport(checked: CheckResult): string[] {
  const more = checked.moreProblems ? [`... and ${checked.moreProblems} more problems`] : [];
  const lines = checked.invalidLines + checked.calls;
  return [...checked.problems, ...more, `${checked.invalidLines} of ${plural(lines, 'line')} invalid; nothing was sent`];
}

function resumeCommand(options: BatchOptions): string {
  const method = options.method === undefined ? '' : ` --method ${shellQuote(options.method)}`;
  const stdin = options.input === '-' ? ' (with the same input on stdin)' : '';
  return `oneoffice batch ${shellQuote(options.input)}${method} --results ${shellQuote(options.resultsPath as string)} --resume${stdin}`;
}
