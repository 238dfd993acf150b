// Sends a built call, with the retries that are safe for its method, and prints the outcome: the
// body on stdout, the exchange on stderr with -v. Loaded only when a call is really sent. A direct
// call goes out on node:http (src/http/node-transport.ts); undici is loaded only for a proxy or when the
// caller hands in its own dispatcher.
import { colors, jsonPalette, useColor } from '../output/color.js';
import type { Context } from './context.js';
import { sendDirect } from '../http/node-transport.js';
import type { ExchangeObserver } from '../http/exchange.js';
import { INSECURE_WARNING, type NetworkSettings } from '../config/network.js';
import { writeResponse } from '../output/body.js';
import type { Reveal } from '../output/printer.js';
import { displayProxy } from '../http/proxy.js';
import type { CallRequest } from '../api/request.js';
import { withRetries } from '../api/retry.js';
import type { SentResponse } from '../http/undici-transport.js';
import { VerbosePrinter, type VerboseStyle } from '../output/verbose.js';

export interface PerformOptions {
  network: NetworkSettings;
  /** 0 quiet, 1 -v, 2 -vv. */
  verbosity: number;
  reveal: Reveal;
}

interface Sender {
  send(): Promise<SentResponse>;
  close(): Promise<void>;
}

async function senderFor(ctx: Context, call: CallRequest, network: NetworkSettings, observer: ExchangeObserver | undefined): Promise<Sender> {
  if (!ctx.deps.dispatcher && !network.proxy) return { send: () => sendDirect(call, network, observer), close: async () => undefined };
  const { createDispatcher, send } = await import('../http/undici-transport.js');
  const given = ctx.deps.dispatcher;
  if (!given) await preferFastExit();
  const dispatcher = given ?? createDispatcher(network, observer);
  return { send: () => send(call, dispatcher, network), close: async () => (given ? undefined : dispatcher.destroy()) };
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
  const sender = await senderFor(ctx, call, network, observer);
  try {
    // With -v, every attempt shows its request and the head of its answer, as curl -v does.
    const attempt = async () => {
      observer?.attemptStarted();
      const response = await sender.send();
      observer?.responseHead(response);
      return response;
    };
    const response = await withRetries(attempt, {
      ...network.retry,
      onRetry: (message) => stderr.write(`oneoffice: ${message}\n`),
    });
    try {
      const pretty = stdout.isTTY === true;
      const palette = pretty && useColor(stdout, env, ctx.globals.noColor) ? await jsonPalette() : undefined;
      await writeResponse(response, { stdout, pretty, ...(palette ? { palette } : {}) }, response.mapError, () => observer?.done());
    } finally {
      response.finish();
    }
  } finally {
    await sender.close();
  }
}

async function verboseStyle(ctx: Context): Promise<VerboseStyle | undefined> {
  if (!useColor(ctx.deps.stderr, ctx.deps.env, ctx.globals.noColor)) return undefined;
  const chalk = await colors();
  return { info: chalk.dim, sent: chalk.cyan, received: chalk.yellow, palette: await jsonPalette() };
}
