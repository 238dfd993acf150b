// `oneoffice mock --upstream <url>`: the mock as a validating pass-through to the real API. Calls
// reach this only after the mock's own checks (its token, the body, the params against the schema),
// so a bad call never reaches the upstream. Each is sent again with the upstream's token, over the
// transport of single calls (proxy, TLS, client certificate), and the answer passed on unchanged;
// where it differs from the method's response schema, a drift line says so (mock/drift.ts).
import { isOneOfficeError, TimeoutError } from '../api/errors.js';
import type { Params } from '../api/params.js';
import { buildCall } from '../api/request.js';
import { secretPaths, type Registry } from '../api/schema/registry.js';
import { JsonTextMask, maskPaths, secretForms, secretValuesAt, sentCredentials } from '../api/mask.js';
import { executeWhole } from '../client/executor.js';
import type { NetworkSettings } from '../config/network.js';
import { openTransport } from '../http/transport.js';
import { loadDriftCheck } from './drift.js';
import { RECORDED_HEADERS, type Recording } from './record.js';
import type { MockBackend, RawAnswer } from './server.js';

export interface UpstreamOptions {
  url: URL;
  /** The upstream's token: sent to it, never to a client, a log line or the recording (nor is the password of network.proxy). */
  token: string;
  network: NetworkSettings;
  registry: Registry;
  /** Drift and recording problems, one line each (stderr), also when --quiet. */
  report: (line: string) => void;
  recording?: Recording;
  /** Connections kept alive to the upstream. */
  connections?: number;
}

/** Larger answers are refused (502) rather than cut: a client must never get half of one. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export async function upstreamBackend(options: UpstreamOptions): Promise<MockBackend> {
  const { registry, report, recording, token } = options;
  const methods = registry.names();
  const driftOf = await loadDriftCheck(registry, methods);
  const transport = await openTransport({ ...options.network, connections: options.connections ?? 8 }, { pooled: 'fast-start' });
  const drifted = new Map<string, number>();
  let answered = 0;
  // A server that echoes the token (or a proxy its password) back must not hand it to the mock's clients, however it escapes it.
  const credentials = [token, ...sentCredentials([], [options.network.proxy])].flatMap(secretForms);
  const credentialMask = new JsonTextMask(credentials);

  async function answer(call: { method: string; params: Params }): Promise<RawAnswer> {
    const secrets = secretPaths(registry.get(call.method)?.schema ?? {});
    const request = buildCall({ url: options.url, token, apiMethod: call.method, params: call.params, secretPaths: secrets });
    const execution = await executeWhole(transport, request, MAX_ANSWER_BYTES, { retry: { retries: 0, retryMaxTimeMs: 0, idempotent: false } });
    if (execution.kind === 'error') return unreachable(execution.error);
    if (execution.truncated) return local(502, `upstream ${options.url.host}: answer larger than ${MAX_ANSWER_BYTES} bytes`);
    answered++;
    const { status, headers } = execution.head;
    const body = credentialMask.mask(execution.text);
    // A secret param quoted back is the client's own, passed on; the log line and the recording mask it too.
    const paramSecrets = secretValuesAt(call.params, secrets).flatMap(secretForms);
    const shownMask = paramSecrets.length ? new JsonTextMask([...credentials, ...paramSecrets]) : credentialMask;
    const shown = shownMask === credentialMask ? body : shownMask.mask(execution.text);
    const kept: Record<string, string> = {};
    for (const name of RECORDED_HEADERS) {
      const value = headers[name];
      if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    // Checked as it came; the values a drift line quotes (cut to 60 characters) are masked before.
    const drift = driftOf(call.method, status, execution.text, (text) => shownMask.mask(text));
    if (drift.length) drifted.set(call.method, (drifted.get(call.method) ?? 0) + 1);
    for (const line of drift) report(`drift: ${call.method} (${status}): ${line}`);
    if (recording) {
      const exchange = { method: call.method, params: maskPaths(call.params, secrets, () => '****'), status, headers: kept, body: shown, durationMs: Math.round(execution.seconds.total * 10000) / 10 };
      await recording.add(exchange).catch((error: Error) => report(`${error.message}: this call is missing from the recording`));
    }
    return { kind: 'raw', status, headers: kept, body, shown };
  }

  function unreachable(error: unknown): RawAnswer {
    const message = isOneOfficeError(error) ? error.message : String(error);
    report(`upstream: ${message}`);
    return local(error instanceof TimeoutError || (isOneOfficeError(error) && error.exitCode === 7) ? 504 : 502, `upstream ${options.url.host}: ${message}`);
  }

  async function close(): Promise<void> {
    await transport.close();
    await recording?.close();
    const total = [...drifted.values()].reduce((sum, count) => sum + count, 0);
    const perMethod = [...drifted].map(([method, count]) => `${method} ${count}`).join(', ');
    report(total === 0 ? `drift: none in ${answered} answer${answered === 1 ? '' : 's'}` : `drift: ${total} of ${answered} answer${answered === 1 ? '' : 's'} differed from the schemas (${perMethod})`);
    if (recording?.missing) report(`--record ${recording.path}: ${recording.missing} call(s) could not be written: the recording is incomplete`);
  }

  return { methods, answer, close };
}

/** An answer of the mock itself (the upstream gave none): a JSON string, as the API's errors are. */
function local(status: number, message: string): RawAnswer {
  return { kind: 'raw', status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) };
}
