// A single call as the CLI makes it: through the one executor (client/executor.ts), printing the
// outcome: the body on stdout, the exchange on stderr with -v. Loaded only when a call is really
// sent. A direct call goes out on node:http; undici is loaded only for a proxy or when the caller
// hands in its own dispatcher (http/transport.ts chooses).
import { colors, jsonPalette, useColor } from '../output/color.js';
import type { Context } from './context.js';
import { INSECURE_WARNING, type NetworkSettings } from '../config/network.js';
import { writeResponse } from '../output/body.js';
import type { Reveal } from '../output/printer.js';
import { displayProxy } from '../http/proxy.js';
import type { CallRequest } from '../api/request.js';
import { executeStreamed } from '../client/executor.js';
import { openTransport } from '../http/transport.js';
import { VerbosePrinter, type VerboseStyle } from '../output/verbose.js';

export interface PerformOptions {
  network: NetworkSettings;
  /** 0 quiet, 1 -v, 2 -vv. */
  verbosity: number;
  reveal: Reveal;
  /** Where the URL and the token came from (said by -v). */
  from?: { url: string; token?: string };
}

/**
 * undici parses HTTP in WebAssembly, and V8 re-optimises that module on a background thread that the
 * process must wait for at exit (~100 ms, ~40 MB). One call gains nothing from the optimised code,
 * so a call through a proxy keeps the baseline compiler only. Batch runs are unaffected.
 */
async function preferFastExit(): Promise<void> {
  (await import('node:v8')).setFlagsFromString('--liftoff-only');
}

export async function performCall(ctx: Context, call: CallRequest, options: PerformOptions): Promise<void> {
  const { stdout, stderr, env } = ctx.deps;
  const { network } = options;
  if (network.insecure) ctx.warn(INSECURE_WARNING);
  const style = options.verbosity > 0 ? await verboseStyle(ctx) : undefined;
  // A server may echo the token back (in a header): -v shows what came back with it masked too.
  const writeVerbose = options.reveal.showSecrets ? (text: string) => stderr.write(text) : (text: string) => stderr.write(ctx.redact(text));
  const observer = options.verbosity > 0 ? new VerbosePrinter(writeVerbose, call, options.verbosity, options.reveal, style) : undefined;
  const info = (text: string) => stderr.write(`${(style?.info ?? String)(`* ${text}`)}\n`);
  if (observer && options.from) {
    info(`url from ${options.from.url}`);
    if (options.from.token) info(`token from ${options.from.token}`);
  }
  if (observer && network.proxy) info(`Using proxy ${displayProxy(network.proxy)}`);
  const dispatcher = ctx.deps.dispatcher;
  if (network.proxy && !dispatcher) await preferFastExit();
  const transport = await openTransport(network, { ...(observer ? { observer } : {}), ...(dispatcher ? { dispatcher } : {}) });
  try {
    // With -v, every attempt shows its request and the head of its answer, as curl -v does.
    const response = await executeStreamed(transport, call, {
      retry: network.retry,
      onRetry: (message) => stderr.write(`oneoffice: ${message}\n`),
      onGiveUp: (message) => stderr.write(`oneoffice: ${message}\n`),
      ...(observer ? { onAttempt: () => observer.attemptStarted(), onResponseHead: (head) => observer.responseHead(head) } : {}),
    });
    try {
      const pretty = stdout.isTTY === true;
      const palette = pretty && useColor(stdout, env, ctx.globals.noColor) ? await jsonPalette() : undefined;
      await writeResponse(response, { stdout, pretty, ...(palette ? { palette } : {}) }, response.mapError, () => observer?.done());
    } finally {
      response.finish();
    }
  } finally {
    await transport.close();
  }
}

async function verboseStyle(ctx: Context): Promise<VerboseStyle | undefined> {
  if (!useColor(ctx.deps.stderr, ctx.deps.env, ctx.globals.noColor)) return undefined;
  const chalk = await colors();
  return { info: chalk.dim, sent: chalk.cyan, received: chalk.yellow, palette: await jsonPalette() };
}
