// The one seam between scenarios and the wire: (method, params, settings) -> what came of it, never
// a throw. Steps go through the one executor (client/executor.ts: the retries that are safe for the
// method, answers classified by api/answer.ts) over kept-alive connections (Node's own HTTP parser
// on kept sockets, http/kept-connections.ts, or node:http's Agent over TLS: both start faster than
// undici; steps follow one another, so undici's throughput buys nothing),
// and come back with what -v would have shown (secrets masked) for the report.
import { describeFailure } from '../api/errors.js';
import { maskStrings, secretValuesAt } from '../api/mask.js';
import type { HeaderEdit } from '../api/header-lines.js';
import type { Params } from '../api/params.js';
import { callBuilder, type CallRequest } from '../api/request.js';
import { executeWhole } from '../client/executor.js';
import { Throttle } from '../client/throttle.js';
import type { PaceFacts } from '../output/progress-display.js';
import type { NetworkSettings } from '../config/network.js';
import type { Target } from '../config/target.js';
import { openTransport, type Transport } from '../http/transport.js';
import { keptConnections, nodeHttpParser } from '../http/kept-connections.js';
import { verboseRequestLines, verboseResponseLines, type Reveal } from '../output/printer.js';
import { prettyJson } from '../output/pretty-json.js';
import type { Dispatcher } from 'undici';
import { monotonicMs } from '../api/clock.js';

export interface SendSettings {
  network: NetworkSettings;
  secretPaths: string[][];
  /** The schema marks the method idempotent (a read): safe to send again after no answer. */
  idempotent: boolean;
}

interface Common {
  /** From the first attempt to the end of the answer (retries included). */
  durationMs: number;
  attempts: number;
  /** The exchange as -v shows it: request, then the answer's head and body (when there was one). Built on demand: only failures print it. */
  exchange(): string[];
}

export type SendResult =
  | (Common & {
      kind: 'answer';
      status: number;
      statusText: string;
      headers: Record<string, string | string[] | undefined>;
      text: string;
      json: boolean;
      body: unknown;
      /** Why a 2xx answer is not one the API gives: the classifier's verdict (not JSON), or too large to check. */
      unusable?: string;
    })
  | (Common & { kind: 'failure'; code: string; message: string; exitCode: number });

export type SendStep = (method: string, params: Params, settings: SendSettings) => Promise<SendResult>;

/** Bodies above this are cut (an API answer is a few hundred bytes). */
const MAX_BODY_BYTES = 1024 * 1024;
/** How much of a body the failure report shows. */
const SHOWN_BODY_CHARS = 4000;

export interface StepSender {
  send: SendStep;
  /** What the server said about the pace so far (for the progress bar). */
  pace(): PaceFacts;
  close(): Promise<void>;
}

export async function openStepSender(
  target: Target,
  options: {
    connections: number;
    /** The -H lines, read (options/header-flag.ts). */
    headers: readonly HeaderEdit[];
    reveal: Reveal;
    network: NetworkSettings;
    dispatcher?: Dispatcher;
    onSecret?: (value: string) => void;
    /** Masks the secrets known so far in a text (every form they take); applied to the answer's values before they are serialised. */
    redact?: (text: string) => string;
  },
): Promise<StepSender> {
  // Undefined where Node hands out no parser of its own: node:http's Agent then, as over TLS.
  const kept = keptConnections(options.connections, nodeHttpParser());
  const transport = await openTransport(
    { ...options.network, connections: options.connections },
    { pooled: 'fast-start', ...(kept ? { kept } : {}), ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}) },
  );
  // One pace for every step of the run (all --jobs): a 429 or 503 with Retry-After pauses them all.
  const { retryMaxTimeMs } = options.network.retry;
  const throttle = new Throttle({ concurrency: options.connections, ...(retryMaxTimeMs > 0 ? { maxPauseMs: retryMaxTimeMs } : {}) });
  // The token's check and the headers are the same for every step: done once, as for a batch.
  const build = callBuilder({ url: target.url, token: target.token, headers: options.headers });
  const send: SendStep = (method, params, settings) => {
    // A secret param's value may come back in an answer or an expectation: the caller masks it everywhere.
    if (options.onSecret) for (const value of secretValuesAt(params, settings.secretPaths)) options.onSecret(value);
    const call = build(method, params, settings.secretPaths);
    return sendStep(transport, call, settings.network, options.reveal, throttle, options.redact ?? ((text) => text));
  };
  const pace = (): PaceFacts => {
    const facts = throttle.facts();
    return { waitingMs: facts.pausedForMs, tooManyRequests: facts.tooManyRequests };
  };
  return { send, pace, close: () => transport.close() };
}

async function sendStep(transport: Transport, call: CallRequest, network: NetworkSettings, reveal: Reveal, throttle: Throttle, redact: (text: string) => string): Promise<SendResult> {
  const started = monotonicMs();
  const notes: string[] = [];
  const request = () => {
    // The head as it is; a long request body (params up to 1 MiB) cut as a long answer is.
    const lines = verboseRequestLines(call, reveal);
    const head = lines.indexOf('>') + 1;
    return [...lines.slice(0, head), ...clip(lines.slice(head).join('\n')).split('\n')];
  };
  const done = await executeWhole(transport, call, MAX_BODY_BYTES, { retry: network.retry, onRetry: (message) => notes.push(`* ${message}`), throttle });
  const durationMs = monotonicMs() - started;
  if (done.kind === 'error') {
    const { code, message, exitCode } = describeFailure(done.error);
    return { kind: 'failure', code, message, exitCode, durationMs, attempts: done.attempts, exchange: () => [...request(), ...notes] };
  }
  // The classifier has read the body: JSON parsed, or the text as it came.
  const { answer, head, text, truncated } = done;
  const json = answer.json;
  const body = answer.kind === 'ok' ? (answer.json ? answer.value : text) : answer.json ? answer.body : text;
  const exchange = () => {
    // Secrets masked in the values before they are serialised: a password holding `"` is escaped
    // by JSON, and a mask applied to the printed text would look for it unescaped.
    const shown = json ? prettyJson(maskStrings(body, redact)) : truncated ? `(body over ${MAX_BODY_BYTES} bytes)` : redact(text);
    return [...request(), ...notes, ...verboseResponseLines(head), ...(shown === '' ? [] : clip(shown).split('\n'))];
  };
  // One rule with single calls (api/answer.ts): a 2xx answer must be JSON or nothing.
  const unusable =
    answer.kind === 'failed' && answer.code === 'E_NOT_JSON'
      ? answer.message
      : answer.kind === 'ok' && answer.unchecked
        ? `server answered ${head.status} ${head.statusText} with a body over ${MAX_BODY_BYTES} bytes, too large to check that it is JSON`
        : undefined;
  return { kind: 'answer', status: head.status, statusText: head.statusText, headers: head.headers, text, json, body, durationMs, attempts: done.attempts, exchange, ...(unusable ? { unusable } : {}) };
}

function clip(text: string): string {
  return text.length > SHOWN_BODY_CHARS ? `${text.slice(0, SHOWN_BODY_CHARS)}\n... (${text.length - SHOWN_BODY_CHARS} more characters)` : text;
}
