// `oneoffice test FILE...`: scenario files as CI smoke checks. Pass 1 reads and checks every file
// and sends nothing if one is wrong (exit 2); pass 2 runs them, --jobs files at a time, over one
// pool of keep-alive connections. Loaded only for this command (YAML, JMESPath and undici with it).
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseCallArgs, type ParsedArgs } from '../../options/args.js';
import { colors, useColor } from '../../output/color.js';
import type { Context } from '../context.js';
import { ExitCode, ValidationError } from '../../api/errors.js';
import { INSECURE_WARNING, resolveNetworkPair } from '../../config/network.js';
import { FLAG_NAMES } from '../../options/network-flags.js';
import { buildCall } from '../../api/request.js';
import { secretPaths } from '../../api/schema/registry.js';
import type { MethodSchema } from '../../api/schema/types.js';
import { loadResponseSchema } from '../../api/schema/responses.js';
import { ParamsChecker } from '../../api/check.js';
import { checkScenario } from '../../scenario/check.js';
import { ConsoleReporter, plainStyle, type ConsoleStyle } from '../../scenario/console.js';
import type { ResponseSchema } from '../../scenario/expect.js';
import { scenarioFiles } from '../../scenario/files.js';
import { parseScenario, type Scenario, type StepSpec } from '../../scenario/format.js';
import { testHelp } from '../help/test-help.js';
import { fitHelp } from '../help/wrap.js';

export { testHelp };
import { readTestOptions, TEST_OPTIONS, type TestOptions } from '../test-options.js';
import { eraseOnSignals, stepCount, StepProgress } from '../../scenario/progress.js';
import { checkReportTargets, reportInputs, ReportFiles, STDOUT_REPORT, stopReason } from '../../scenario/report-files.js';
import { runScenario, type ScenarioResult, type StepParamsCheck, type StepResult } from '../../scenario/runner.js';
import { openStepSender, type SendSettings } from '../../scenario/send.js';
import type { Params } from '../../api/params.js';
import type { Target } from '../../config/target.js';
import { targetFromArgs } from './target.js';
import { monotonicMs } from '../../api/clock.js';
import { unlockClientKey } from '../unlock-key.js';
import { isUtf16, UTF16_ADVICE } from '../../api/text.js';

/** Run with V8's flags for a test run set (cli/registry.ts sets them before this module loads). */
export async function runTestCommand(ctx: Context, argv: readonly string[]): Promise<number> {
  const parsed = parseCallArgs(argv, TEST_OPTIONS, []);
  if (parsed.options['help']) {
    ctx.deps.stdout.write(fitHelp(ctx.deps, testHelp()));
    return ExitCode.ok;
  }
  if (parsed.options['print-schema']) {
    const { SCENARIO_SCHEMA } = await import('../../generated/scenario-schema.js');
    ctx.deps.stdout.write(SCENARIO_SCHEMA);
    return ExitCode.ok;
  }
  const { options, problems } = readTestOptions(parsed);
  const { files, problems: fileProblems } = await scenarioFiles(options.paths, options.globs, process.cwd());
  problems.push(...fileProblems);
  const targets = checkReportTargets(options.reports, reportInputs(files, { '--vars-file': options.varsFile, '--cacert': options.network.cacert, '--cert': options.network.cert, '--key': options.network.key }));
  problems.push(...targets.problems);
  // A report on stdout is alone there: the console's lines go to stderr.
  const consoleOut = options.reports.some((report) => report.file === STDOUT_REPORT) ? ctx.deps.stderr : ctx.deps.stdout;
  const reports = new ReportFiles(options.dryRun ? [] : targets.usable, (text) => ctx.redact(text), (text) => void ctx.deps.stdout.write(text));
  if (!problems.length) problems.push(...reports.prepare());
  let pass1: Awaited<ReturnType<typeof checkAll>>;
  try {
    pass1 = await checkAll(ctx, files, options, problems);
  } catch (error) {
    reports.incomplete([], stopReason(error));
    throw error;
  }
  const { checked, runId } = pass1;
  if (options.dryRun) {
    consoleOut.write(`${plural(checked.length, 'scenario')}, ${plural(stepCount(checked), 'step')} checked; nothing was sent\n`);
    return ExitCode.ok;
  }
  return runAll(ctx, parsed, options, checked, runId, { reports, consoleOut });
}

type Checked = Array<{ scenario: Scenario; vars: Map<string, unknown>; ready: ReadonlyMap<StepSpec, Params> }>;

/** Pass 1: every file read and checked; any problem (these or earlier ones) throws, and nothing is sent. */
async function checkAll(ctx: Context, files: string[], options: TestOptions, problems: string[]): Promise<{ checked: Checked; runId: string }> {
  const runId = newRunId();
  const checked: Checked = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      continue;
    }
    if (isUtf16(text)) {
      problems.push(`${file} ${UTF16_ADVICE}`);
      continue;
    }
    const read = parseScenario(file, text);
    const result = read.scenario ? await checkScenario(read.scenario, { registry: ctx.registry(), overrides: options.overrides, env: ctx.deps.env, runId }) : undefined;
    problems.push(...byLine([...read.problems, ...(result?.problems ?? [])]));
    if (read.scenario && result) checked.push({ scenario: read.scenario, vars: result.vars, ready: result.ready });
  }
  if (problems.length) throw new ValidationError([...problems.map((problem) => ctx.redact(problem)), `${plural(problems.length, 'problem')}; nothing was sent`]);
  return { checked, runId };
}

async function runAll(ctx: Context, parsed: ParsedArgs, options: TestOptions, checked: Checked, runId: string, out: { reports: ReportFiles; consoleOut: Writable & { isTTY?: boolean } }): Promise<number> {
  const { stderr, env } = ctx.deps;
  const { reports, consoleOut } = out;
  const mock = options.mock ? await startMock(ctx) : undefined;
  const results: ScenarioResult[] = new Array<ScenarioResult>(checked.length);
  const running = new Map<Scenario, { steps: StepResult[]; started: number }>();
  let finished = false;
  // What ran so far: finished scenarios, and the steps of those still running.
  const ran = (): ScenarioResult[] =>
    checked.flatMap(({ scenario }, i) => {
      const done = results[i];
      const now = running.get(scenario);
      return done ? [done] : now ? [{ scenario, steps: [...now.steps], durationMs: monotonicMs() - now.started }] : [];
    });
  try {
    const target: Target = mock ? { url: new URL(mock.url), token: mock.token, urlFrom: '--mock', tokenFrom: '--mock' } : targetFromArgs(ctx, parsed, options.headers);
    // The -H lines were read in pass 1 (readTestOptions); the token is checked now, before the first step.
    buildCall({ url: target.url, token: target.token, apiMethod: 'test', params: {} });
    const { create: baseNetwork, read: readNetwork } = resolveNetworkPair(options.network, FLAG_NAMES, ctx.config().profile, env, target.url, ctx.platform());
    if (baseNetwork.insecure) ctx.warn(INSECURE_WARNING);
    // An encrypted --key: its passphrase (--pass-env, or asked on a terminal) checked before the first step, as batch does.
    if (baseNetwork.clientCert) await unlockClientKey(ctx, baseNetwork.clientCert);
    const registry = ctx.registry();
    const sender = await openStepSender(target, {
      connections: options.jobs,
      headers: options.headers,
      reveal: { showSecrets: false },
      network: baseNetwork,
      onSecret: (value) => ctx.addSecret(value),
      redact: (text) => ctx.redact(text),
      ...(ctx.deps.dispatcher ? { dispatcher: ctx.deps.dispatcher } : {}),
    });
    const checker = new ParamsChecker(registry);
    const fieldName = (path: readonly string[]) => `params.${path.join('.')}`;
    const color = useColor(consoleOut, env, ctx.globals.noColor);
    const total = stepCount(checked);
    const progress = new StepProgress(stderr, { enabled: stderr.isTTY === true, total, pace: () => sender.pace() });
    const onStop = (signal: string) => reports.incomplete(ran(), `stopped by ${signal} after ${plural(progress.done, 'step')} of ${total}`);
    const unwatchSignals = eraseOnSignals(progress, (code) => process.exit(code), onStop);
    const reporter = new ConsoleReporter(progress.writer(consoleOut), { lines: consoleOut.isTTY === true, live: options.jobs === 1, style: color ? await colorStyle() : plainStyle, redact: (text) => ctx.redact(text) });
    const schemas = new Map<string, Promise<ResponseSchema | undefined>>();
    // Per method, not per step: every step of a method sends with the same settings and check.
    const settings = new Map<string, SendSettings>();
    const paramsChecks = new Map<string, Promise<StepParamsCheck | undefined>>();
    const started = monotonicMs();
    try {
      let next = 0;
      const worker = async () => {
        while (next < checked.length) {
          const index = next++;
          const { scenario, vars, ready } = checked[index] as Checked[number];
          const steps: StepResult[] = [];
          running.set(scenario, { steps, started: monotonicMs() });
          const result = await runScenario(scenario, vars, {
            send: sender.send,
            settingsFor: (method) => {
              let known = settings.get(method);
              if (!known) {
                const schema = registry.get(method)?.schema;
                const idempotent = schema?.['x-idempotent'] === true;
                known = { network: idempotent ? readNetwork : baseNetwork, secretPaths: schema ? secretPaths(schema) : [], idempotent };
                settings.set(method, known);
              }
              return known;
            },
            paramsCheckFor: (method) => {
              let known = paramsChecks.get(method);
              if (!known) {
                known = checker.load(method).then((check) => {
                  const schema = registry.get(method)?.schema;
                  return check && schema ? { schema, check: (params: Params) => check(params, fieldName) } : undefined;
                });
                paramsChecks.set(method, known);
              }
              return known;
            },
            responseSchemaFor: (method) => {
              if (!schemas.has(method)) schemas.set(method, responseSchema(method, registry.get(method)));
              return schemas.get(method) as Promise<ResponseSchema | undefined>;
            },
            env,
            ready,
            runId,
            redact: (text) => ctx.redact(text),
            now: monotonicMs,
            sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            onStep: (step, of) => {
              steps.push(step);
              progress.step(step);
              reporter.step(step, of);
            },
          });
          results[index] = result;
          reporter.scenarioDone(result);
        }
      };
      await Promise.all(Array.from({ length: Math.min(options.jobs, checked.length) }, worker));
    } finally {
      unwatchSignals();
      progress.clear();
      await sender.close();
    }
    const totals = reporter.finish(results, monotonicMs() - started);
    finished = true;
    reports.finish(results);
    const noAnswer = results.flatMap((result) => result.steps).filter((step) => step.outcome === 'error');
    if (noAnswer.length) return Math.max(...noAnswer.map((step) => step.error?.exitCode ?? ExitCode.unexpected));
    return totals.failed ? ExitCode.expectation : ExitCode.ok;
  } catch (error) {
    if (!finished) reports.incomplete(ran(), stopReason(error));
    throw error;
  } finally {
    await mock?.close();
  }
}

/** The method's documented answer ("x-response"), when it has one (api/schema/responses.ts). */
async function responseSchema(_method: string, known: MethodSchema | undefined): Promise<ResponseSchema | undefined> {
  return known ? loadResponseSchema(known) : undefined;
}

async function startMock(ctx: Context) {
  const { startMockServer } = await import('../../mock/server.js');
  const server = await startMockServer({ registry: ctx.registry() });
  ctx.addSecret(server.token);
  return server;
}

async function colorStyle(): Promise<ConsoleStyle> {
  const chalk = await colors();
  return { pass: chalk.green, fail: chalk.red, dim: chalk.dim };
}

/** A file's problems in the order of its lines (each starts with FILE:LINE:). */
function byLine(problems: string[]): string[] {
  const line = (problem: string) => Number(/:(\d+): /.exec(problem)?.[1] ?? 0);
  return problems.map((problem, i) => ({ problem, i })).sort((a, b) => line(a.problem) - line(b.problem) || a.i - b.i).map(({ problem }) => problem);
}

/**
 * Unique per run: the time in ms and 24 random bits. Not a secret, so Math.random, not node:crypto,
 * which takes ~5 ms of a test run's start to load.
 */
function newRunId(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 0x1000000).toString(16).padStart(6, '0')}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
