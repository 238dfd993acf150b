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
  const observer = options.verbosity > 0 ? new VerbosePrinter((text) => stderr.write(text), call, options.verbosity, options.reveal, style) : undefined;
  if (observer && network.proxy) stderr.write(`${(style?.info ?? String)(`* Using proxy ${displayProxy(network.proxy)}`)}\n`);
  const dispatcher = ctx.deps.dispatcher;
  if (network.proxy && !dispatcher) await preferFastExit();
  const transport = await openTransport(network, { ...(observer ? { observer } : {}), ...(dispatcher ? { dispatcher } : {}) });
  try {
    // With -v, every attempt shows its request and the head of its answer, as curl -v does.
    const response = await executeStreamed(transport, call, {
      retry: network.retry,
      onRetry: (message) => stderr.write(`oneoffice: ${message}\n`),
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
