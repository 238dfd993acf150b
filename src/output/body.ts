// The response body on stdout: the bytes exactly as received when stdout is not a terminal (so
// `| jq` always works, and large bodies stream), pretty JSON on a terminal. Non-2xx answers
// still print their body, then raise an HttpError carrying the server's message.
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { answerError, classifyAnswer } from '../api/answer.js';
import { ExitCode, OneOfficeError } from '../api/errors.js';
import { readJson } from '../api/json.js';
import { JsonTextMask } from '../api/mask.js';
import { utf8Text } from '../api/read-all.js';
import type { JsonSyntaxCheck } from '../api/json-check.js';
import { prettyJson, type JsonPalette } from './pretty-json.js';
import type { CallResponse } from '../http/transport.js';
import { StreamMask } from './stream-mask.js';

/** How much of a body is kept to find the server's error message in. */
const MESSAGE_PREFIX_BYTES = 64 * 1024;

export interface BodyOutput {
  stdout: Writable;
  /** Pretty-print JSON (stdout is a terminal). */
  pretty: boolean;
  /** Colours for pretty JSON, when colour is on. */
  palette?: JsonPalette;
  /**
   * The forms of the token and secret params: masked in the body of an answer that is not 2xx
   * (a server's error message may quote a password back). A 2xx body is data and left as sent.
   */
  secretForms?: readonly string[];
}

/** `bodyDone` runs once the whole body has been read (with its size), before any HTTP error is raised. */
export async function writeResponse(response: CallResponse, out: BodyOutput, mapStreamError: (error: unknown) => Error, bodyDone?: (bytes: number) => void): Promise<void> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let totalBytes = 0;
  // A 2xx body too large to keep is checked as it streams, so that "not JSON" is found whatever the size.
  const checkStreamed = response.status >= 200 && response.status < 300;
  let check: JsonSyntaxCheck | undefined;
  const isSuccess = response.status >= 200 && response.status < 300;
  const mask = !isSuccess && out.secretForms?.length ? new StreamMask(out.secretForms) : undefined;
  const print = (buffer: Buffer): Promise<unknown> | undefined => {
    // A failure to write stdout (a full disk) is ours, not the network's: not mapped.
    if (!out.pretty && !writeOut(out.stdout, mask ? mask.push(buffer) : buffer)) return once(out.stdout, 'drain');
    return undefined;
  };
  await eachChunk(
    response.body,
    (buffer) => {
      totalBytes += buffer.length;
      if (out.pretty || keptBytes < MESSAGE_PREFIX_BYTES) {
        kept.push(buffer);
        keptBytes += buffer.length;
      } else if (checkStreamed) {
        if (!check) {
          // Loaded only for a body too large to keep: most answers never need it.
          return import('../api/json-check.js').then((module) => {
            check = new module.JsonSyntaxCheck();
            for (const earlier of kept) check.push(earlier);
            check.push(buffer);
            return print(buffer);
          });
        }
        check.push(buffer);
      }
      return print(buffer);
    },
    mapStreamError,
  );
  if (mask && !out.pretty) writeOut(out.stdout, mask.end());
  bodyDone?.(totalBytes);
  const text = utf8Text(kept);
  // The server's message may be the body's first 200 characters: made from the body masked first, a cut leaves no piece of a secret.
  const textMask = mask ? new JsonTextMask(out.secretForms ?? []) : undefined;
  const answer = classifyAnswer(response, { text, bytes: totalBytes, complete: totalBytes === keptBytes, ...(check ? { streamedJson: check.end() } : {}) }, textMask && ((text) => textMask.mask(text)));
  if (out.pretty && totalBytes > 0) {
    // On a terminal the body is kept whole (see above), so it can be read as JSON here.
    const shown = mask ? Buffer.concat([mask.push(Buffer.from(text)), mask.end()]).toString('utf8') : text;
    const read = readJson(shown);
    writeOut(out.stdout, read.ok ? `${prettyJson(read.value, out.palette)}\n` : shown.endsWith('\n') ? shown : `${shown}\n`);
  }
  if (answer.kind === 'failed') throw answerError(answer, response);
}

/**
 * Hands each chunk of a body to `take` in turn; a promise from it holds the body until it settles
 * (stdout's drain). Listeners rather than `for await`: a stream's async iterator costs a single call
 * about half a millisecond more (issue 21). Errors of the body are mapped; those of `take` are not.
 */
function eachChunk(body: Readable, take: (chunk: Buffer) => Promise<unknown> | undefined, mapStreamError: (error: unknown) => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      body.destroy();
      reject(error);
    };
    body.on('data', (chunk: Buffer) => {
      if (settled) return;
      let pending: Promise<unknown> | undefined;
      try {
        pending = take(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      if (!pending) return;
      body.pause();
      pending.then(() => {
        if (!settled) body.resume();
      }, fail);
    });
    body.once('end', () => {
      settled = true;
      resolve();
    });
    body.once('error', (error) => fail(mapStreamError(error)));
    // Closed before its end, with no error of its own: cut short all the same. Every body closes
    // after its end too: the error is made only when it counts (an Error and its mapping, per call).
    body.once('close', () => {
      if (!settled) fail(mapStreamError(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })));
    });
  });
}

function writeOut(stdout: Writable, data: string | Buffer): boolean {
  try {
    return stdout.write(data);
  } catch (error) {
    throw new OneOfficeError(`cannot write the answer to stdout: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'E_STDOUT', ExitCode.output, { cause: error });
  }
}

