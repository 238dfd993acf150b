// Sends a built call and prints the outcome: the body on stdout, the exchange on stderr with -v.
// Loaded only when a call is really sent, since it pulls in undici.
import { jsonPalette, useColor } from './color.js';
import type { Context } from './context.js';
import { writeResponse } from './output.js';
import type { Reveal } from './printer.js';
import type { CallRequest } from './request.js';
import { createDispatcher, send, type Timeouts } from './transport.js';
import { VerbosePrinter, type VerboseStyle } from './verbose.js';

export interface PerformOptions {
  timeouts: Timeouts;
  /** 0 quiet, 1 -v, 2 -vv. */
  verbosity: number;
  reveal: Reveal;
}

export async function performCall(ctx: Context, call: CallRequest, options: PerformOptions): Promise<void> {
  const { stdout, stderr, env } = ctx.deps;
  const observer = options.verbosity > 0 ? new VerbosePrinter((text) => stderr.write(text), call, options.verbosity, options.reveal, await verboseStyle(ctx)) : undefined;
  const dispatcher = ctx.deps.dispatcher ?? createDispatcher(options.timeouts, observer);
  try {
    const response = await send(call, dispatcher, options.timeouts);
    observer?.responseHead(response);
    try {
      const pretty = stdout.isTTY === true;
      const palette = pretty && useColor(stdout, env, ctx.globals.noColor) ? await jsonPalette() : undefined;
      await writeResponse(response, { stdout, pretty, ...(palette ? { palette } : {}) }, response.mapError, () => observer?.done());
    } finally {
      response.finish();
    }
  } finally {
    if (!ctx.deps.dispatcher) await dispatcher.destroy();
  }
}

async function verboseStyle(ctx: Context): Promise<VerboseStyle | undefined> {
  if (!useColor(ctx.deps.stderr, ctx.deps.env, ctx.globals.noColor)) return undefined;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return { info: chalk.dim, sent: chalk.cyan, received: chalk.yellow, palette: await jsonPalette() };
}
