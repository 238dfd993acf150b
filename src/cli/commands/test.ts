// `oneoffice test FILE...`: scenario files as CI smoke checks. Pass 1 reads and checks every file
// and sends nothing if one is wrong (exit 2); pass 2 runs them, --jobs files at a time, over one
// pool of keep-alive connections. Loaded only for this command (YAML, JMESPath and undici with it).
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { parseCallArgs, type ParsedArgs } from '../../options/args.js';
import { colors, useColor } from '../../output/color.js';
import type { Context } from '../context.js';
import { ExitCode, OneOfficeError, ValidationError } from '../../api/errors.js';
import { INSECURE_WARNING, resolveNetworkPair } from '../../config/network.js';
import { buildCall } from '../../api/request.js';
import { secretPaths } from '../../api/schema/registry.js';
import type { MethodSchema } from '../../api/schema/types.js';
import { loadResponseSchema } from '../../api/schema/responses.js';
import { checkScenario } from '../../scenario/check.js';
import { ConsoleReporter, plainStyle, type ConsoleStyle } from '../../scenario/console.js';
import type { ResponseSchema } from '../../scenario/expect.js';
import { scenarioFiles } from '../../scenario/files.js';
import { parseScenario, type Scenario } from '../../scenario/format.js';
import { testHelp } from '../help/test-help.js';

export { testHelp };
import { readTestOptions, TEST_OPTIONS, type TestOptions } from '../../scenario/options.js';
import { eraseOnSignals, stepCount, StepProgress } from '../../scenario/progress.js';
import { formatReport } from '../../scenario/reports.js';
import { runScenario, type ScenarioResult } from '../../scenario/runner.js';
import { openStepSender } from '../../scenario/send.js';
import type { Target } from '../../config/target.js';
import { targetFromArgs } from './target.js';
import { monotonicMs } from '../../api/clock.js';
import { unlockClientKey } from '../../http/client-cert.js';
import { isUtf16, UTF16_ADVICE } from '../../api/text.js';

export async function runTestCommand(ctx: Context, argv: readonly string[]): Promise<number> {
  preferFastStart();
  const parsed = parseCallArgs(argv, TEST_OPTIONS, []);
  if (parsed.options['help']) {
    ctx.deps.stdout.write(testHelp());
    return ExitCode.ok;
  }
  const { options, problems } = readTestOptions(parsed);
  const { files, problems: fileProblems } = await scenarioFiles(options.paths, options.globs, process.cwd());
  problems.push(...fileProblems);
  const runId = newRunId();
  const checked: Array<{ scenario: Scenario; vars: Map<string, unknown> }> = [];
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
    if (read.scenario && result) checked.push({ scenario: read.scenario, vars: result.vars });
  }
  if (problems.length) throw new ValidationError([...problems.map((problem) => ctx.redact(problem)), `${plural(problems.length, 'problem')}; nothing was sent`]);
  if (options.dryRun) {
    ctx.deps.stdout.write(`${plural(checked.length, 'scenario')}, ${plural(stepCount(checked), 'step')} checked; nothing was sent\n`);
    return ExitCode.ok;
  }
  return runAll(ctx, parsed, options, checked, runId);
}

async function runAll(ctx: Context, parsed: ParsedArgs, options: TestOptions, checked: Array<{ scenario: Scenario; vars: Map<string, unknown> }>, runId: string): Promise<number> {
  const { stdout, stderr, env } = ctx.deps;
  const mock = options.mock ? await startMock(ctx) : undefined;
  try {
    const target: Target = mock ? { url: new URL(mock.url), token: mock.token, urlFrom: '--mock', tokenFrom: '--mock' } : targetFromArgs(ctx, parsed);
    const extraHeaders = (parsed.options['header'] as string[] | undefined) ?? [];
    // A bad -H fails now, before the first step.
    buildCall({ url: target.url, token: target.token, apiMethod: 'test', params: {}, extraHeaders });
    const { create: baseNetwork, read: readNetwork } = resolveNetworkPair(parsed.options, ctx.config().profile, env, target.url, ctx.platform());
    if (baseNetwork.insecure) ctx.warn(INSECURE_WARNING);
    // An encrypted --key: its passphrase (--pass-env, or asked on a terminal) checked before the first step, as batch does.
    if (baseNetwork.clientCert) await unlockClientKey(ctx, baseNetwork.clientCert);
    const registry = ctx.registry();
    const sender = await openStepSender(target, { connections: options.jobs, extraHeaders, reveal: { showSecrets: false }, network: baseNetwork, onSecret: (value) => ctx.addSecret(value), ...(ctx.deps.dispatcher ? { dispatcher: ctx.deps.dispatcher } : {}) });
    const color = useColor(stdout, env, ctx.globals.noColor);
    const progress = new StepProgress(stderr, { enabled: stderr.isTTY === true, total: stepCount(checked), pace: () => sender.pace() });
    const unwatchSignals = eraseOnSignals(progress, (code) => process.exit(code));
    const reporter = new ConsoleReporter(progress.writer(stdout), { lines: stdout.isTTY === true, live: options.jobs === 1, style: color ? await colorStyle() : plainStyle, redact: (text) => ctx.redact(text) });
    const schemas = new Map<string, Promise<ResponseSchema | undefined>>();
    const started = monotonicMs();
    const results: ScenarioResult[] = new Array<ScenarioResult>(checked.length);
    try {
      let next = 0;
      const worker = async () => {
        while (next < checked.length) {
          const index = next++;
          const { scenario, vars } = checked[index] as (typeof checked)[number];
          const result = await runScenario(scenario, vars, {
            send: sender.send,
            settingsFor: (method) => {
              const schema = registry.get(method)?.schema;
              return { network: schema?.['x-idempotent'] === true ? readNetwork : baseNetwork, secretPaths: schema ? secretPaths(schema) : [] };
            },
            responseSchemaFor: (method) => {
              if (!schemas.has(method)) schemas.set(method, responseSchema(method, registry.get(method)));
              return schemas.get(method) as Promise<ResponseSchema | undefined>;
            },
            env,
            runId,
            now: monotonicMs,
            sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            onStep: (step, of) => {
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
    writeReports(ctx, options, results);
    const noAnswer = results.flatMap((result) => result.steps).filter((step) => step.outcome === 'error');
    if (noAnswer.length) return Math.max(...noAnswer.map((step) => step.error?.exitCode ?? ExitCode.unexpected));
    return totals.failed ? ExitCode.expectation : ExitCode.ok;
  } finally {
    await mock?.close();
  }
}

/**
 * A test run is short: reading YAML, then a few hundred small calls. V8's optimising compilers
 * cost such a run more than they save (a 100-step scenario, whole process, runs interleaved:
 * ~10% less time without them), and undici's WebAssembly HTTP parser (proxied steps) is left on
 * the baseline compiler for the same reason (as perform.ts does for single calls).
 */
function preferFastStart(): void {
  setFlagsFromString('--no-opt');
  setFlagsFromString('--liftoff-only');
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

function writeReports(ctx: Context, options: TestOptions, results: ScenarioResult[]): void {
  for (const report of options.reports) {
    try {
      writeFileSync(report.file, formatReport(report.format, results, (text) => ctx.redact(text)));
    } catch (error) {
      throw new OneOfficeError(`--report ${report.format}:${report.file}: cannot write it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'E_REPORT', ExitCode.unexpected);
    }
  }
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
