// `oneoffice mock`: the local OneOffice server in the foreground until a stopping signal. Stdout gets
// one line the user's shell can use as it is (or JSON); the call log goes to stderr.
import { rmSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Context } from '../context.js';
import { STOP_SIGNALS, UsageError, ValidationError } from '../../api/errors.js';
import { renameWithRetry } from '../../files/rename.js';
import { isLoopback } from '../../config/target.js';
import { startMockServer } from '../../mock/server.js';
import { defaultDialect } from '../../output/quote.js';
import { clientSettings, PRINT_FORMATS, type PrintFormat } from '../../mock/print.js';
import { fitHelp, UNWRAPPED } from '../help/wrap.js';
import { commanderFlags, commanderProblem, GLOBAL_OPTIONS, MOCK_OPTIONS } from '../../options/args.js';

interface MockOptions {
  host: string;
  port: number;
  token?: string;
  state?: string;
  latency: number;
  failRate: number;
  rateLimit?: number;
  quiet?: boolean;
  print?: PrintFormat;
  readyFile?: string;
  upstream?: string;
  record?: string;
  replay?: string;
  replayMatch?: string;
  /** The connection flags for --upstream, as commander names them (passEnv). */
  [connection: string]: unknown;
}

/** The connection flags of --upstream: commander's name for each, and a call's. */
const CONNECTION_KEYS: Record<string, string> = {
  allowInsecureHttp: 'allow-insecure-http', connectTimeout: 'connect-timeout', maxTime: 'max-time', proxy: 'proxy', cacert: 'cacert', insecure: 'insecure', cert: 'cert', key: 'key', passEnv: 'pass-env',
};

export async function runMockCommand(ctx: Context, argv: readonly string[]): Promise<number> {
  const options = parseMockArgs(ctx, argv);
  if (!options) return 0;
  const { stdout, stderr } = ctx.deps;
  const log = options.quiet ? undefined : (line: string) => void stderr.write(`${line}\n`);
  // Drift and replay misses are said even with --quiet: they are what these modes are for.
  const report = (line: string) => void stderr.write(`oneoffice mock: ${ctx.redact(line)}\n`);
  const backendOptions = {
    ...pick(options, ['upstream', 'record', 'replay', 'replayMatch', 'state']),
    connection: Object.fromEntries(Object.entries(CONNECTION_KEYS).flatMap(([name, key]) => (options[name] === undefined ? [] : [[key, options[name] as string | true]]))),
  };
  const special = options.upstream !== undefined || options.replay !== undefined;
  const { backendProblems, mockBackend } = special || Object.keys(backendOptions.connection).length || options.record !== undefined || options.replayMatch !== undefined ? await import('./mock-backend.js') : { backendProblems: undefined, mockBackend: undefined };
  const problems = backendProblems?.(backendOptions) ?? [];
  if (problems.length) throw new ValidationError(problems);
  const backend = special && mockBackend ? await mockBackend(ctx, backendOptions, report) : undefined;

  const server = await startMockServer({
    host: options.host,
    port: options.port,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.state === undefined ? {} : { statePath: options.state }),
    latencyMs: options.latency,
    failRate: options.failRate,
    ...(options.rateLimit === undefined ? {} : { rateLimitPerS: options.rateLimit }),
    ...(log ? { log } : {}),
    registry: ctx.registry(),
    ...(backend ? { backend } : {}),
  }).catch((error: unknown) => {
    throw listenError(error, options);
  });
  // Listening for signals before announcing the URL: whoever reads the line may stop us right away.
  const stopped = nextSignal();
  const settings = clientSettings(options.print ?? defaultDialect(ctx.platform(), ctx.deps.env), clientUrl(ctx, server.url), server.token, process.pid, options.rateLimit);
  if (options.readyFile !== undefined) await writeReadyFile(options.readyFile, settings, server);
  stdout.write(settings);
  const serving = options.upstream !== undefined ? ` (passing calls on to ${new URL(options.upstream).host}${options.record === undefined ? '' : `, recording to ${options.record}`})` : options.replay !== undefined ? ` (replaying ${options.replay})` : options.state === undefined ? '' : ` (state in ${options.state})`;
  const limit = options.rateLimit === undefined ? '' : `, at most ${options.rateLimit} calls/s (429 with Retry-After beyond)`;
  log?.(`oneoffice mock: serving ${server.url}${serving}${limit}; Ctrl-C stops it`);
  await stopped;
  await server.close();
  // A ready file left behind would tell the next script that a stopped server is up.
  if (options.readyFile !== undefined) rmSync(options.readyFile, { force: true });
  log?.('oneoffice mock: stopped');
  return 0;
}

/** The printed settings, written whole or not at all (a temporary file renamed), so a script never reads half of them. */
async function writeReadyFile(path: string, line: string, server: { close(): Promise<void> }): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, line, { mode: 0o600 });
    // A script on Windows may still hold the previous ready file open (EPERM until it lets go).
    await renameWithRetry(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    await server.close();
    throw new UsageError(`mock: --ready-file ${path}: cannot write it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'E_READY_FILE');
  }
}

/**
 * The URL the export line gives the client. The client refuses to send the token over plain http
 * to a host that is not loopback, so a wildcard address (all interfaces) is given as loopback,
 * which reaches it from this machine; whatever would need --allow-insecure-http is said.
 */
function clientUrl(ctx: Context, serverUrl: string): string {
  const url = new URL(serverUrl);
  const wildcard = url.hostname === '0.0.0.0' || url.hostname === '[::]';
  if (wildcard) {
    url.hostname = url.hostname === '0.0.0.0' ? '127.0.0.1' : '[::1]';
    ctx.warn(`listening on every interface (${serverUrl}); the URL printed is for this machine. From another one, use http://<this machine's address>:${url.port}/ with --allow-insecure-http: the client refuses plain http:// to other hosts, as the token would cross the network in clear`);
  } else if (!isLoopback(url.hostname)) {
    ctx.warn(`the client refuses to send the token over plain http:// to ${url.hostname} unless given --allow-insecure-http (the token would cross the network in clear)`);
  }
  return url.href;
}

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      for (const name of STOP_SIGNALS) process.off(name, stop);
      resolve(signal);
    };
    for (const name of STOP_SIGNALS) process.once(name, stop);
  });
}

/** `oneoffice mock --help`, as commander renders it. */
export function mockHelp(): string {
  let text = '';
  mockProgram({ write: (chunk) => (text += chunk) }, { write: () => true }).outputHelp();
  return text;
}

/** The options, or undefined when help was asked for (and printed). */
function parseMockArgs(ctx: Context, argv: readonly string[]): MockOptions | undefined {
  const command = mockProgram({ write: (text) => ctx.deps.stdout.write(fitHelp(ctx.deps, text)) }, ctx.deps.stderr);
  try {
    command.parse(argv as string[], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed') return undefined;
    // commander puts its suggestion on a line of its own: one line, as every other message.
    throw new UsageError(`mock: ${commanderProblem(error.message)}`);
  }
  return checkedOptions(ctx, command.opts<MockOptions>());
}

function mockProgram(stdout: { write(text: string): unknown }, stderr: { write(text: string): unknown }): Command {
  const command = new Command('mock')
    .description('Run a local, stateful OneOffice API server, e.g. to test provisioning scripts offline.')
    .helpOption('-h, --help', 'show help')
    .configureHelp({ commandUsage: () => 'oneoffice mock [options]', helpWidth: UNWRAPPED, optionTerm: (option) => (option.short ? option.flags : `    ${option.flags}`) })
    .exitOverride()
    // Commander prints nothing itself: its errors become UsageErrors, printed by main like all others.
    .configureOutput({ writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text), outputError: () => {} })
    .addHelpText(
      'after',
      `
It prints the settings for the client on stdout, then logs one line per call on stderr:
  $ oneoffice mock --token dev-token
  export ONEOFFICE_URL=http://127.0.0.1:8787/ ONEOFFICE_BEARER=dev-token
In another shell, run that export line, then e.g.:
  oneoffice createUser --email test1@oneoffice.bh
For PowerShell (--print powershell) and cmd.exe (--print cmd):
  $env:ONEOFFICE_URL = 'http://127.0.0.1:8787/'; $env:ONEOFFICE_BEARER = 'dev-token'
  set "ONEOFFICE_URL=http://127.0.0.1:8787/" & set "ONEOFFICE_BEARER=dev-token"
--print json prints {"url":...,"token":...,"pid":...} for scripts in any language (and
"rateLimit" with --rate-limit).
It stops cleanly on Ctrl-C, SIGTERM and SIGHUP (a closed terminal), and on Ctrl-Break on Windows.

With --rate-limit 100, calls beyond 100 a second (after a burst of up to 100) are answered
429 Too Many Requests with Retry-After (whole seconds) and do nothing, as a marketplace API
limits its callers; try a batch against it:
  oneoffice mock --rate-limit 100 --quiet &
  oneoffice batch users.ndjson --concurrency 16 --retry 5

With --state, each change is appended to <file>.log and flushed to disk before the call is
answered, so what the mock acknowledged survives even kill -9; the log is folded into <file> at
start and at a clean stop. <file>.lock keeps a second mock off the same file (exit 3).
The client sends the token over plain http:// only to loopback hosts unless given
--allow-insecure-http; with --host 0.0.0.0 the printed URL is 127.0.0.1, and a warning says so.
In a script, wait for --ready-file rather than sleeping:
  oneoffice mock --port 0 --quiet --ready-file mock.env &
  while [ ! -s mock.env ]; do sleep 0.1; done; . ./mock.env

Between clients and the real API (--upstream): calls are checked as always (a bad one is answered
400 here and never sent on), then sent to the upstream with its own token, from the usual settings
(--profile, $ONEOFFICE_BEARER, ...), through --proxy, --cacert, --cert as single calls are; the
answer comes back unchanged. Where it differs from the method's response schema, a "drift" line on
stderr names the method, the field, what the schema says and what came; a summary at stop.
  oneoffice mock --upstream https://staging.example.com/api --profile staging --record smoke.ndjson
--record writes each exchange as a line of NDJSON (mode 0600, on disk before the answer is passed
on; secret params masked, never the token). --replay answers from such a file, byte for byte: the
same call made again gets its next recorded answer; a call not recorded gets 404 naming the file.
  oneoffice mock --replay smoke.ndjson --replay-match email
`,
    );
  const parsers: Record<string, { parse: (text: string) => number; fallback: number }> = {
    '--port': { parse: parsePort, fallback: 8787 },
    '--latency': { parse: parseLatency, fallback: 0 },
    '--fail-rate': { parse: parseRate, fallback: 0 },
  };
  for (const spec of MOCK_OPTIONS) {
    const option = new Option(commanderFlags(spec), spec.description);
    const parser = parsers[spec.long];
    if (parser) option.argParser(parser.parse).default(parser.fallback);
    if (spec.long === '--host') option.default('127.0.0.1');
    if (spec.long === '--print') option.argParser(parsePrint);
    if (spec.long === '--rate-limit') option.argParser(parseRateLimit);
    command.addOption(option);
  }
  // main reads these wherever they are (scanGlobalOptions); accepted here so they are not unknown.
  for (const spec of GLOBAL_OPTIONS.filter((global) => global.long !== '--schemas')) command.addOption(new Option(commanderFlags(spec), spec.description));
  return command;
}

function checkedOptions(ctx: Context, options: MockOptions): MockOptions {
  if (options.token !== undefined) {
    ctx.addSecret(options.token);
    // The message leaves the value out: it is a secret.
    if (!/^[\x21-\x7e]+$/.test(options.token)) throw new UsageError('mock: --token must be printable ASCII without spaces (it travels in an HTTP header)');
  }
  return options;
}

function parsePrint(text: string): PrintFormat {
  if (!(PRINT_FORMATS as readonly string[]).includes(text)) throw new InvalidArgumentError(`must be one of ${PRINT_FORMATS.join(', ')}`);
  return text as PrintFormat;
}

function parseRateLimit(text: string): number {
  const rate = Number(text);
  // At least one call every 1000 s, as batch's --rate.
  if (text.trim() === '' || !Number.isFinite(rate) || rate < 0.001) throw new InvalidArgumentError('must be a number of calls per second, at least 0.001');
  return rate;
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return Number(text);
}

function parseLatency(text: string): number {
  // setTimeout's limit: anything longer would fire at once.
  if (!/^\d+$/.test(text) || Number(text) > 2 ** 31 - 1) throw new InvalidArgumentError('must be a whole number of milliseconds');
  return Number(text);
}

function parseRate(text: string): number {
  const rate = Number(text);
  if (text.trim() === '' || !(rate >= 0 && rate <= 1)) throw new InvalidArgumentError('must be a number from 0 to 1');
  return rate;
}

/** Failures to listen are the user's to fix with --host or --port. */
function listenError(error: unknown, options: MockOptions): unknown {
  const where = `${options.host}:${options.port}`;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new UsageError(`mock: cannot listen on ${where}: the port is in use (choose another with --port, or --port 0 for any free one)`, 'E_LISTEN');
    case 'EACCES':
      return new UsageError(`mock: cannot listen on ${where}: permission denied (ports below 1024 need privileges)`, 'E_LISTEN');
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new UsageError(`mock: cannot listen on ${where}: no such address on this machine (check --host)`, 'E_LISTEN');
    default:
      return error;
  }
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((key) => object[key] !== undefined).map((key) => [key, object[key]])) as Pick<T, K>;
}
