// A single call as the CLI makes it: through the one executor (client/executor.ts), printing the
// outcome: the body on stdout, the exchange on stderr with -v. Loaded only when a call is really
// sent. A direct call goes out on a connection of its own read by Node's HTTP parser, without
// node:http's client (http/socket-call.ts); undici is loaded only for a proxy or when the caller
// hands in its own dispatcher (http/transport.ts chooses).
import { colors, jsonPalette, useColor } from '../output/color.js';
import type { Context } from './context.js';
import { INSECURE_WARNING, type NetworkSettings } from '../config/network.js';
import { writeResponse } from '../output/body.js';
import type { Reveal } from '../output/printer.js';
import { proxyRoute } from '../http/proxy.js';
import { maskedUrl } from '../api/mask.js';
import type { CallRequest } from '../api/request.js';
import { executeStreamed } from '../client/executor.js';
import { openTransport } from '../http/transport.js';
import type { VerboseStyle } from '../output/verbose.js';
import type { SentResponse } from '../http/transport.js';
import { describeFailure, ExitCode, OneOfficeError } from '../api/errors.js';

type PerformStdout = Context['deps']['stdout'];
import { visibleControls } from '../output/controls.js';
import { CallTimings, fanOut } from '../http/timings.js';
import type { WriteOutFormat } from '../output/write-out.js';

type WriteOutModule = typeof import('../output/write-out.js');

export interface PerformOptions {
  network: NetworkSettings;
  /** 0 quiet, 1 -v, 2 -vv. */
  verbosity: number;
  reveal: Reveal;
  /** Where the URL and the token came from (said by -v). */
  from?: { url: string; token?: string };
  /** --query: the text to print for the answer's JSON text, instead of the body (2xx answers only). */
  query?: (text: string) => string;
  /** The --query expression, named when it fails on the answer. */
  queryText?: string;
  /** -w: written after the body, also when the call failed. */
  writeOut?: WriteOutFormat;
  /** The URL as given (-w's %{url}); the call's URL is the one used. */
  urlText?: string;
}

/**
 * undici parses HTTP in WebAssembly, and V8 re-optimises that module on a background thread that the
 * process must wait for at exit (~100 ms, ~40 MB). One call gains nothing from the optimised code,
 * so a call through a proxy keeps the baseline compiler only. Batch runs are unaffected.
 */
async function preferFastExit(ctx: Context): Promise<void> {
  await ctx.deps.engineFlags?.(['--liftoff-only']);
}

/** A single call of the CLI: sent, its body streamed to stdout as it arrives (-v, -w, --query beside it); a failure is thrown for main to print. */
export async function sendAndPrintCall(ctx: Context, call: CallRequest, options: PerformOptions): Promise<void> {
  const { stdout, stderr, env } = ctx.deps;
  const { network } = options;
  if (network.insecure) ctx.warn(INSECURE_WARNING);
  const style = options.verbosity > 0 ? await verboseStyle(ctx) : undefined;
  // A server may echo the token back (in a header): -v shows what came back with it masked too.
  const writeVerbose = options.reveal.showSecrets ? (text: string) => stderr.write(text) : (text: string) => stderr.write(ctx.redact(text));
  // -v's printer and -w's renderer load only with their flag: every call's bundle stays without them.
  // A caller's own dispatcher is used instead of any proxy.
  const route = network.proxy && !ctx.deps.dispatcher ? proxyRoute(call.url, network.proxy) : undefined;
  const printer = options.verbosity > 0 ? new (await import('../output/verbose.js')).VerbosePrinter(writeVerbose, call, options.verbosity, options.reveal, style, route) : undefined;
  const timings = options.writeOut ? new CallTimings() : undefined;
  const render = options.writeOut ? await import('../output/write-out.js') : undefined;
  const observer = fanOut([printer, timings]);
  const info = (text: string) => stderr.write(`${(style?.info ?? String)(`* ${text}`)}\n`);
  if (printer && options.from) {
    info(`url from ${options.from.url}`);
    if (options.from.token) info(`token from ${options.from.token}`);
  }
  if (printer && network.proxy) info(`Using proxy ${maskedUrl(network.proxy)}`);
  const dispatcher = ctx.deps.dispatcher;
  if (network.proxy && !dispatcher) await preferFastExit(ctx);
  // The process ends after this call: its connection is left for the exit to close.
  const transport = await openTransport(network, { leaveToExit: true, ...(observer ? { observer } : {}), ...(dispatcher ? { dispatcher } : {}) });
  let failure: { error: unknown } | undefined;
  try {
    // With -v, every attempt shows its request and the head of its answer, as curl -v does.
    const response = await executeStreamed(transport, call, {
      retry: network.retry,
      onRetry: (message) => stderr.write(`oneoffice: ${message}\n`),
      onGiveUp: (message) => stderr.write(`oneoffice: ${message}\n`),
      ...(observer ? { onAttempt: () => observer.attemptStarted(), onResponseHead: (head) => observer.responseHead(head) } : {}),
    });
    try {
      if (options.query) {
        await writeQueryResult(response, options.query, options.queryText ?? '', stdout, (bytes) => observer?.done(bytes));
        return;
      }
      const pretty = stdout.isTTY === true;
      const palette = pretty && useColor(stdout, env, ctx.globals.noColor) ? await jsonPalette() : undefined;
      const secretForms = options.reveal.showSecrets ? [] : ctx.secretForms();
      await writeResponse(response, { stdout, pretty, secretForms, ...(palette ? { palette } : {}) }, response.mapError, (bytes) => observer?.done(bytes));
    } finally {
      response.finish();
    }
  } catch (error) {
    failure = { error };
    throw error;
  } finally {
    await transport.close();
    if (timings && options.writeOut && render) writeOutAfter(ctx, call, timings, options, failure, render);
  }
}

/**
 * --query: the body is read whole (checked as writeResponse checks it), then only the query's
 * result is printed: a string as plain text, anything else as JSON, with a newline. An error
 * answer prints nothing on stdout, so `x=$(oneoffice ... --query id)` never captures an error.
 */
async function writeQueryResult(response: SentResponse, query: (text: string) => string, queryText: string, stdout: PerformStdout, bodyDone: (bytes: number) => void): Promise<void> {
  const chunks: Buffer[] = [];
  const collect = { write: (chunk: string | Buffer) => (chunks.push(Buffer.from(chunk)), true) } as unknown as PerformStdout;
  await writeResponse(response, { stdout: collect, pretty: false }, response.mapError, bodyDone);
  const text = Buffer.concat(chunks).toString('utf8');
  let result: string;
  try {
    result = query(text);
  } catch (error) {
    // The call was made: not a usage error (exit 2 says nothing was sent). Exit 1, as the README's table says.
    const shown = queryText.length > 80 ? `${queryText.slice(0, 80)}…` : queryText;
    throw new OneOfficeError(`--query ${JSON.stringify(visibleControls(shown))} failed on the answer (the call was made): ${(error as Error).message}`, 'E_QUERY', ExitCode.unexpected);
  }
  stdout.write(result);
}

/** -w's output, on stdout unless %{stderr} switched it; the error message as stderr shows it. */
function writeOutAfter(ctx: Context, call: CallRequest, timings: CallTimings, options: PerformOptions, failure: { error: unknown } | undefined, writeOut: WriteOutModule): void {
  const described = failure === undefined ? undefined : describeFailure(failure.error, (text) => visibleControls(text));
  const facts = writeOut.callFacts(call, timings, {
    exitCode: described?.exitCode ?? 0,
    errorMessage: described?.message ?? '',
    urlText: options.urlText ?? call.url.href,
    showSecrets: options.reveal.showSecrets === true,
    redact: (text) => ctx.redact(text),
  });
  for (const part of writeOut.renderWriteOut(options.writeOut ?? [], facts)) ctx.deps[part.stream].write(part.text);
}

async function verboseStyle(ctx: Context): Promise<VerboseStyle | undefined> {
  if (!useColor(ctx.deps.stderr, ctx.deps.env, ctx.globals.noColor)) return undefined;
  const chalk = await colors();
  return { info: chalk.dim, sent: chalk.cyan, received: chalk.yellow, palette: await jsonPalette() };
}
