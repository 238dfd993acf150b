// The doctor's I/O: the local files it looks at, a DNS lookup, and one harmless call (the probe)
// through the same transport as single calls, watched by an observer for TCP and TLS. Everything it
// learns becomes Facts (doctor/facts.ts), judged elsewhere. The lookup and Node's version are
// injected, so tests choose them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { isOneOfficeError, OneOfficeError } from '../api/errors.js';
import { buildCall } from '../api/request.js';
import type { Registry } from '../api/schema/registry.js';
import { answerProblems, loadResponseSchema } from '../api/schema/responses.js';
import { executeWhole } from '../client/executor.js';
import type { Env } from '../config/file.js';
import type { NetworkSettings } from '../config/network.js';
import type { Target } from '../config/target.js';
import type { ExchangeObserver } from '../http/exchange.js';
import { bypassed } from '../http/proxy.js';
import { openTransport } from '../http/transport.js';
import type { ConfigFacts, Facts, ProbeFacts, ProxyFacts } from './facts.js';
import { PROBE_EMAIL, PROBE_METHOD } from './facts.js';

export interface GatherInput {
  env: Env;
  platform: NodeJS.Platform;
  /** The config file's path, or the error reading it. */
  config: () => { path: string; holdsToken: boolean };
  /** Resolves the URL and token (throws a ConfigError/UsageError when it cannot). */
  target: () => Target;
  network: (url: URL) => NetworkSettings;
  /** Unlocks an encrypted client key (a prompt or --pass-env) before anything is sent. */
  unlock?: (network: NetworkSettings) => Promise<void>;
  registry: Registry;
  dispatcher?: Dispatcher;
  /** Masks the secrets known so far (Context.redact): the server's message is cut to 200 characters after it, never before. */
  mask?: (text: string) => string;
}

export interface GatherDeps {
  /** Every address of a host name (dns.lookup with all: true). */
  lookup: (host: string) => Promise<string[]>;
  nodeVersion: string;
}

export async function gatherFacts(input: GatherInput, deps: GatherDeps): Promise<Facts> {
  const config = configFacts(input);
  const completion = completionFacts(input.env, input.platform);
  const base = { node: deps.nodeVersion, config, completion, proxy: {}, tls: { insecure: false } };
  let target: Target;
  try {
    target = input.target();
  } catch (error) {
    return { ...base, target: { error: asError(error) } };
  }
  const targetFacts = { url: target.url, urlFrom: target.urlFrom, tokenFrom: target.tokenFrom ?? 'nowhere', token: target.token };
  let network: NetworkSettings;
  try {
    network = input.network(target.url);
    await input.unlock?.(network);
  } catch (error) {
    return { ...base, target: targetFacts, networkError: asError(error) };
  }
  const proxy = proxyFacts(target.url, network, input.env);
  const tls = { insecure: network.insecure === true, ...(network.cacertPath ? { cacert: network.cacertPath } : {}), ...(network.clientCert ? { clientCert: network.clientCert.certPath } : {}) };
  const facts: Facts = { ...base, target: targetFacts, proxy, tls };
  // Through a proxy, the proxy resolves the API's host: ours to resolve is the proxy's.
  const host = (proxy.proxy ?? target.url).hostname.replace(/^\[|\]$/g, '');
  const viaProxy = proxy.proxy !== undefined;
  if (isIP(host)) facts.dns = { host, kind: 'ip' };
  else {
    try {
      facts.dns = { host, kind: 'resolved', addresses: await deps.lookup(host), viaProxy };
    } catch (error) {
      facts.dns = { host, kind: 'failed', code: (error as NodeJS.ErrnoException).code ?? 'failed', viaProxy };
      return facts;
    }
  }
  facts.probe = await probe(input, target, network);
  return facts;
}

/** One getUserByEmail of an address no user has, without retries; watched for TCP and TLS. */
async function probe(input: GatherInput, target: Target, network: NetworkSettings): Promise<ProbeFacts> {
  const seen: Pick<ProbeFacts, 'tcp' | 'address' | 'port' | 'tls'> = { tcp: false };
  const observer: ExchangeObserver = {
    attemptStarted: () => {},
    connecting: ({ port }) => void (seen.port = port),
    resolved: () => {},
    tcpConnected: () => void (seen.tcp = true),
    connected: ({ address, port, tls }) => Object.assign(seen, { tcp: true, address, port }, tls ? { tls } : {}),
    responseHead: () => {},
    done: () => {},
  };
  const call = buildCall({ url: target.url, token: target.token, apiMethod: PROBE_METHOD, params: { email: PROBE_EMAIL } });
  const transport = await openTransport(network, { observer, ...(input.dispatcher ? { dispatcher: input.dispatcher } : {}) });
  try {
    const execution = await executeWhole(transport, call, 1024 * 1024, { retry: { retries: 0, retryMaxTimeMs: 0, idempotent: true }, ...(input.mask ? { mask: input.mask } : {}) });
    if (execution.kind === 'error') return { ...seen, execution, shapeProblems: [] };
    // A mocked dispatcher (tests) makes no connection: an answer means one was made.
    const method = input.registry.get(PROBE_METHOD);
    const schema = method ? await loadResponseSchema(method) : undefined;
    const date = execution.head.headers['date'];
    return {
      ...seen,
      tcp: true,
      execution,
      ...(typeof date === 'string' ? { date } : {}),
      roundTripMs: execution.seconds.total * 1000,
      shapeProblems: [401, 403].includes(execution.head.status) ? [] : answerProblems(schema, execution.head.status, execution.text, input.mask),
    };
  } finally {
    await transport.close();
  }
}

function configFacts(input: GatherInput): ConfigFacts {
  let found: { path: string; holdsToken: boolean };
  try {
    found = input.config();
  } catch (error) {
    return { kind: 'error', error: asError(error) };
  }
  if (!existsSync(found.path)) return { kind: 'none', path: found.path };
  const mode = input.platform === 'win32' ? undefined : statSync(found.path).mode;
  return { kind: 'file', path: found.path, holdsToken: found.holdsToken, ...(mode === undefined ? {} : { mode }) };
}

/** Where the README installs completion scripts, and the rc files that source one. */
function completionFacts(env: Env, platform: NodeJS.Platform): string[] {
  const home = env['HOME'] ?? env['USERPROFILE'];
  if (!home || platform === 'win32') return [];
  const files = [
    ['~/.local/share/bash-completion/completions/oneoffice', undefined],
    ['~/.zfunc/_oneoffice', undefined],
    ['~/.config/fish/completions/oneoffice.fish', undefined],
    ['~/.bashrc', 'oneoffice completion'],
    ['~/.zshrc', 'oneoffice completion'],
  ] as const;
  return files.filter(([path, mention]) => {
    const full = join(home, path.slice(2));
    if (mention === undefined) return existsSync(full);
    try {
      return readFileSync(full, 'utf8').includes(mention);
    } catch {
      return false;
    }
  }).map(([path]) => path);
}

function proxyFacts(url: URL, network: NetworkSettings, env: Env): ProxyFacts {
  const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  const variable = names.find((name) => env[name]);
  if (network.proxy) return { proxy: network.proxy, from: network.proxyFromFlag ? '--proxy' : `$${variable ?? 'HTTPS_PROXY'}` };
  const noProxy = env['no_proxy'] !== undefined ? 'no_proxy' : 'NO_PROXY';
  if (variable && bypassed(url, env[noProxy] ?? '')) return { bypassedBy: `$${noProxy}`, bypassed: `$${variable}` };
  return {};
}

function asError(error: unknown): OneOfficeError {
  return isOneOfficeError(error) ? error : new OneOfficeError(String((error as Error)?.message ?? error), 'E_UNEXPECTED', 1);
}
