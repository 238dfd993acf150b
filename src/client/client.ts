// The library's public API: a typed client with one method per built-in schema (typed from the
// schemas at build time: src/generated/types.ts), plus `call` for any method. It stands on the same
// core as the CLI: the same resolution of URL, token and network settings, the same parameter check,
// executor, safe retries and answer classifier. It prints nothing; failures are thrown as typed
// errors (api/errors.ts) whose messages hold no secret.
import type { Dispatcher } from 'undici';
import { answerError } from '../api/answer.js';
import { ParamsChecker } from '../api/check.js';
import { ConfigError, describeFailure, ExitCode, isOneOfficeError, OneOfficeError, ValidationError } from '../api/errors.js';
import { JsonTextMask, maskedUrl, maskStrings, secretForms, secretValuesAt, sentCredentials } from '../api/mask.js';
import type { Params } from '../api/params.js';
import { describeUnsafe, unsafeValues, unsendableValues } from '../api/param-safety.js';
import { callBuilder } from '../api/request.js';
import { readHeaderOption, type HeaderEdit } from '../api/header-lines.js';
import { createRegistry, secretPaths } from '../api/schema/registry.js';
import { loadConfig, type Env, type LoadedConfig } from '../config/file.js';
import { resolveNetworkPair } from '../config/network.js';
import { aboutSetting, OPTION_NAMES, type NetworkChoices } from '../api/settings.js';
import { isKnownProfile, unknownProfileError } from '../config/profiles.js';
import { refuseInsecureHttp, resolveTarget, type Target } from '../config/target.js';
import { builtinSchemas } from '../generated/builtin.js';
import { METHOD_NAMES, type MethodParams, type MethodResults } from '../generated/types.js';
import { checkClientKey, type ClientCertificate } from '../http/client-cert.js';
import { openTransport, type Transport } from '../http/transport.js';
import { executeWhole } from './executor.js';
import { Throttle } from './throttle.js';

/** Answers above this are refused rather than kept (the API's answers are a few hundred bytes). */
export const MAX_ANSWER_BYTES = 1024 * 1024;

export interface ClientOptions {
  /** The endpoint; else $ONEOFFICE_URL, $URL, then the config file's profile, as the CLI resolves it. */
  url?: string | URL;
  /** The API token; else $ONEOFFICE_BEARER, $BEARER, then the config file's profile. */
  token?: string;
  /** Config profile and file (else $ONEOFFICE_PROFILE / $ONEOFFICE_CONFIG, as the CLI reads them). */
  profile?: string;
  configFile?: string;
  /** The environment to resolve from; default process.env. */
  env?: Env;
  /** A directory of extra method schemas, validated by `call` (else $ONEOFFICE_SCHEMAS, config). */
  schemas?: string;
  connectTimeoutMs?: number;
  /** Each attempt, body included. */
  maxTimeMs?: number;
  /** Attempts after the first, for every method; default: 2 for idempotent reads, 0 for every other method. Only what is safe is retried. */
  retries?: number;
  retryMaxTimeMs?: number;
  retryDelayMs?: number;
  /** A proxy URL; else HTTPS_PROXY/HTTP_PROXY/NO_PROXY from `env`. */
  proxy?: string;
  /** A PEM CA bundle file that replaces the default CAs. */
  cacert?: string;
  /** Skip the server certificate check (unsafe). */
  insecure?: boolean;
  /** A client certificate (PEM file; it may hold the key too) for servers that require one. */
  cert?: string;
  /** The client certificate's private key (PEM file), when `cert` does not hold it. */
  key?: string;
  /** The passphrase of an encrypted key (never printed, never in an error). */
  passphrase?: string;
  /** Send the token over plain http:// to a host that is not loopback. */
  allowInsecureHttp?: boolean;
  /** Extra request headers ("Name: value"), as -H takes them. */
  headers?: string[];
  /** Send through this undici dispatcher (your own pool, or MockAgent in tests); not closed by close(). */
  dispatcher?: Dispatcher;
}

export interface CallOptions {
  /** Abandons the call: it rejects with code E_ABORTED (it may or may not have reached the server). */
  signal?: AbortSignal;
  /** Send a known method's params unchecked. */
  validate?: boolean;
}

export type ClientMethods = {
  [M in keyof MethodParams]: (params: MethodParams[M], options?: CallOptions) => Promise<MethodResults[M]>;
};

export interface Client extends ClientMethods {
  /**
   * Any method: validated when a schema knows it, sent as it is otherwise. A built-in method named
   * by a literal gets its params and result types (a misspelled param is a compile error); any
   * other name takes any params and answers `unknown`.
   */
  call<M extends string>(method: M, params?: M extends keyof MethodParams ? MethodParams[M] : Record<string, unknown>, options?: CallOptions): Promise<M extends keyof MethodResults ? MethodResults[M] : unknown>;
  /** Where calls go, its password masked (`https://user:****@host/api`; the token is not exposed either): a copy, changing it changes nothing. */
  readonly url: URL;
  /** Closes the connections; the client cannot be used afterwards. */
  close(): Promise<void>;
}

/** A client for the API. Throws ConfigError (E_NO_URL, E_NO_TOKEN...) when the URL or token cannot be found. */
export function createClient(options: ClientOptions = {}): Client {
  const env = options.env ?? (process.env as Env);
  const config = resolveConfig(options, env);
  const target = resolveClientTarget(options, env, config);
  const registry = createRegistry(builtinSchemas, options.schemas ?? (env['ONEOFFICE_SCHEMAS'] || config.profile.schemas || undefined));
  const checker = new ParamsChecker(registry);
  const { create, read, headers } = networkSettings(options, config, env, target);
  if (create.clientCert) unlockWithOption(create.clientCert, options.passphrase);
  // What every call carries as credentials: the token, a key in the headers option, the proxy's password.
  const sentSecrets = [target.token, ...sentCredentials(headers, [create.proxy])].flatMap(secretForms);
  // Checked once, on the first call: node:tls loads only for a client certificate.
  let certificateChecked: Promise<void> | undefined;
  let transport: Promise<Transport> | undefined;
  let closed = false;
  // One pace for every call of this client, concurrent ones too: a 429 or 503 with Retry-After pauses them all.
  const throttle = new Throttle({ concurrency: 1, ...(create.retry.retryMaxTimeMs > 0 ? { maxPauseMs: create.retry.retryMaxTimeMs } : {}) });

  const call = async (method: string, params: Record<string, unknown> = {}, callOptions: CallOptions = {}): Promise<unknown> => {
    if (closed) throw new OneOfficeError('the client is closed', 'E_USAGE', ExitCode.usage);
    // The API takes an object only, whatever the method (a JavaScript caller is not held to the types); never quoted: it may be a secret.
    if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ValidationError(['params: must be a JSON object (params is always an object)']);
    // Whatever the method and `validate`: names that reach a prototype, integers beyond 2^53 (as the CLI refuses them).
    // A cycle or a BigInt first: the other checks (and JSON.stringify) would throw raw errors on them.
    const unsendable = unsendableValues(params);
    if (unsendable.length) throw new ValidationError(unsendable.map(describeUnsafe));
    const unsafe = unsafeValues(params);
    if (unsafe.length) throw new ValidationError(unsafe.map(describeUnsafe));
    const known = registry.get(method);
    if (known && callOptions.validate !== false) {
      const check = await checker.load(method);
      const problems = check ? check(params as Params) : [];
      if (problems.length) throw new ValidationError(problems);
    }
    if (create.clientCert) await (certificateChecked ??= checkClientKey(create.clientCert));
    const paths = known ? secretPaths(known.schema) : [];
    const request = callBuilder({ url: target.url, token: target.token, headers })(method, params as Params, paths);
    const settings = known?.schema['x-idempotent'] === true ? read : create;
    transport ??= openTransport(settings, { pooled: true, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}) });
    // A server may echo a credential or a secret param back: no message, stack or field of what is thrown holds it,
    // however the server wrote them (JSON-escaped: `\/`, `\u0041`), nor a piece of one where a message is cut.
    const secrets = new JsonTextMask([...sentSecrets, ...secretValuesAt(params, paths).flatMap(secretForms)]);
    const mask = (text: string) => secrets.mask(text);
    const execution = await executeWhole(await transport, request, MAX_ANSWER_BYTES, { retry: settings.retry, throttle, mask, ...(callOptions.signal ? { signal: callOptions.signal } : {}) });
    if (execution.kind === 'error') throw asOneOfficeError(execution.error, mask);
    const { answer, head } = execution;
    if (answer.kind === 'failed') throw answerError(maskStrings(answer, mask), { ...head, statusText: mask(head.statusText), headers: maskStrings(head.headers, mask) });
    if (answer.unchecked) throw new OneOfficeError(`server answered ${head.status} ${head.statusText} with a body over ${MAX_ANSWER_BYTES} bytes`, 'E_BODY_TOO_LARGE', ExitCode.unexpected);
    return answer.value;
  };

  const client: Record<string, unknown> = {
    call,
    // A copy, its password masked as the CLI shows a URL: a program may print, log or JSON.stringify
    // the client. Calls go to target.url, which changing this copy cannot redirect.
    url: new URL(maskedUrl(target.url)),
    close: async () => {
      closed = true;
      await (await transport)?.close();
    },
  };
  for (const name of METHOD_NAMES) client[name] = (params: Record<string, unknown>, callOptions?: CallOptions) => call(name, params, callOptions);
  return client as unknown as Client;
}

function resolveConfig(options: ClientOptions, env: Env): LoadedConfig {
  // Given both, the config file is not read at all (a library in a container may have none).
  if (options.url !== undefined && options.token !== undefined && options.profile === undefined && options.configFile === undefined) {
    return { path: '(not read)', profileName: 'default', profileFrom: 'default', profile: {}, profileNames: [], profileSource: 'default' };
  }
  const loaded = loadConfig(env, { ...(options.configFile ? { config: options.configFile } : {}), ...(options.profile ? { profile: options.profile } : {}) });
  // A profile that does not exist would quietly be an empty one.
  if (!isKnownProfile(loaded.profileName, loaded.profileNames)) {
    throw unknownProfileError(loaded.profileName, loaded.profileNames, loaded.path, options.profile ? 'the profile option' : loaded.profileSource);
  }
  return loaded;
}

function resolveClientTarget(options: ClientOptions, env: Env, config: LoadedConfig): Target {
  const flags: { url?: string; bearer?: string } = {};
  if (options.url !== undefined) flags.url = String(options.url);
  if (options.token !== undefined) flags.bearer = options.token;
  const target = resolveTarget(flags, env, config, OPTION_NAMES);
  refuseInsecureHttp(target.url, options.allowInsecureHttp === true, OPTION_NAMES);
  return target;
}

/**
 * The network settings, with every option that cannot work refused at once: the `headers` lines are
 * checked here with the numbers, not on the first call (house style: collect, then report).
 */
function networkSettings(options: ClientOptions, config: LoadedConfig, env: Env, target: Target): ReturnType<typeof resolveNetworkPair> & { headers: HeaderEdit[] } {
  const { edits: headers, problems: headerProblems } = readHeaderOption(options.headers);
  let settings: ReturnType<typeof resolveNetworkPair>;
  try {
    settings = resolveNetworkPair(networkChoices(options), OPTION_NAMES, config.profile, env, target.url);
  } catch (error) {
    if (headerProblems.length && error instanceof ValidationError) throw new ValidationError([...error.problems, ...headerProblems]);
    throw error;
  }
  if (headerProblems.length) throw new ValidationError(headerProblems, 'E_BAD_HEADER');
  return { ...settings, headers };
}

/** The options that are network settings, passed on as they are (numbers in milliseconds); config/network.ts checks and defaults them as it does the CLI's. */
function networkChoices(options: ClientOptions): NetworkChoices {
  const { connectTimeoutMs, maxTimeMs, retries, retryMaxTimeMs, retryDelayMs, proxy, cacert, cert, key, insecure, allowInsecureHttp } = options;
  const given = { connectTimeoutMs, maxTimeMs, retries, retryMaxTimeMs, retryDelayMs, proxy, cacert, cert, key, insecure, allowInsecureHttp };
  // exactOptionalPropertyTypes: an option left out is no key at all.
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as NetworkChoices;
}

/** A library has no terminal to ask a passphrase on: an encrypted key needs the `passphrase` option. */
function unlockWithOption(certificate: ClientCertificate, passphrase: string | undefined): void {
  if (passphrase !== undefined) {
    certificate.passphrase = passphrase;
    certificate.locked = false;
  }
  if (certificate.locked) throw aboutSetting(new ConfigError(`key ${certificate.keyPath} is encrypted: give its passphrase (the passphrase option, or pass-env in the config profile)`, 'E_KEY_PASSPHRASE'), 'passphrase');
}

/** Our error as it is, its message and stack masked where they quote a secret; anything else as E_UNEXPECTED. */
function asOneOfficeError(error: unknown, mask: (text: string) => string): OneOfficeError {
  if (isOneOfficeError(error)) {
    const message = mask(error.message);
    if (message !== error.message) {
      error.message = message;
      if (error.stack !== undefined) error.stack = mask(error.stack);
    }
    return error;
  }
  const { message } = describeFailure(error, mask);
  // A foreign error's own text may hold what was masked: it is kept as the cause only when it does not.
  const unmasked = describeFailure(error).message;
  return new OneOfficeError(message, 'E_UNEXPECTED', ExitCode.unexpected, message === unmasked ? { cause: error } : undefined);
}
