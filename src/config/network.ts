// The network settings of a call: each from its flag, else the config profile, else the default.
import { readFileSync } from 'node:fs';
import type { ParsedArgs } from '../options/args.js';
import type { Env, Profile } from './file.js';
import { expandHome } from './paths.js';
import { ConfigError, UsageError } from '../api/errors.js';
import { proxyFor } from '../http/proxy.js';
import type { RetryOptions } from '../api/retry.js';
import type { ConnectionOptions, Timeouts } from '../http/transport.js';
import { refuseInsecureProxy } from './target.js';
import { readClientCertificate } from '../http/client-cert.js';

export interface NetworkSettings extends ConnectionOptions {
  retry: Pick<RetryOptions, 'retries' | 'retryMaxTimeMs' | 'retryDelayMs' | 'idempotent'>;
  /** As given, for --curl. */
  cacertPath?: string;
  /** Whether the proxy was named with --proxy (an environment proxy applies to curl by itself). */
  proxyFromFlag: boolean;
}

/** --connect-timeout and --max-time when neither a flag nor the config file sets them. */
export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, totalMs: 30_000 };

/** Said on stderr whenever calls go out with -k (single calls and batches). */
export const INSECURE_WARNING = '-k/--insecure: the server certificate is not checked';

/**
 * The longest any duration flag may be (--connect-timeout, --max-time, --retry-max-time,
 * --retry-delay): one day. Node's timers cannot wait longer than ~24.8 days (a longer one fires at
 * once), and no call to this API should wait a day.
 */
export const MAX_DURATION_S = 86_400;

type Key = 'connect-timeout' | 'max-time' | 'retry' | 'retry-max-time' | 'retry-delay' | 'proxy' | 'cacert' | 'cert' | 'key' | 'pass-env';

/** --retry when neither a flag nor the config file sets it: creates are never retried blindly, idempotent reads twice. */
export const DEFAULT_RETRIES = { create: 0, read: 2 } as const;

/**
 * The settings of a command whose calls may go to both kinds of method (batch, test, the library
 * client): resolved once, so the CA bundle and client certificate are read once; only the retry
 * default differs for idempotent reads.
 */
export function resolveNetworkPair(flags: ParsedArgs['options'], profile: Profile, env: Env, url: URL, platform: NodeJS.Platform = process.platform): { create: NetworkSettings; read: NetworkSettings } {
  const create = resolveNetwork(flags, profile, env, url, false, platform);
  const retrySet = typeof flags['retry'] === 'string' || profile['retry'] !== undefined;
  const read = { ...create, retry: { ...create.retry, retries: retrySet ? create.retry.retries : DEFAULT_RETRIES.read, idempotent: true } };
  return { create, read };
}

/** `flags`: the parsed options of a command (`max-time`: "5"...), or a library client's, in the same form. */
export function resolveNetwork(flags: ParsedArgs['options'], profile: Profile, env: Env, url: URL, idempotent: boolean, platform: NodeJS.Platform = process.platform): NetworkSettings {
  const setting = (key: Key): { value: string; source: string; typed: boolean } | undefined => {
    const flag = flags[key];
    if (typeof flag === 'string') return { value: flag, source: `--${key}`, typed: true };
    const configured = profile[key];
    return configured === undefined ? undefined : { value: configured, source: `config ${key}`, typed: false };
  };
  const number = (key: Key, fallback: number, options: { integer?: boolean; zeroAllowed?: boolean }): number => {
    const found = setting(key);
    if (!found) return fallback;
    const value = Number(found.value);
    const ok = found.value.trim() !== '' && Number.isFinite(value) && (options.zeroAllowed ? value >= 0 : value > 0) && (!options.integer || Number.isInteger(value));
    if (!ok) {
      const what = options.integer ? 'a whole number' : 'a number of seconds';
      fail(found, `${found.source}: must be ${what}${options.zeroAllowed ? ' (0 or more)' : ' above 0'} (got ${JSON.stringify(found.value)})`);
    }
    if (!options.integer && value > MAX_DURATION_S) fail(found, `${found.source}: must be at most ${MAX_DURATION_S} seconds (one day) (got ${JSON.stringify(found.value)})`);
    return value;
  };

  const cacertSetting = setting('cacert');
  // `~/ca.pem` reaches us unexpanded from cmd.exe, PowerShell and the config file.
  const cacert = cacertSetting && { ...cacertSetting, value: expandHome(cacertSetting.value, env, platform) };
  let ca: string | undefined;
  if (cacert) {
    try {
      ca = readFileSync(cacert.value, 'utf8');
    } catch (error) {
      fail(cacert, `${cacert.source}: cannot read ${cacert.value}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (!ca?.includes('-----BEGIN CERTIFICATE-----')) fail(cacert, `${cacert.source}: ${cacert.value} holds no PEM certificate`);
  }
  const home = (found: { value: string; source: string; typed: boolean } | undefined) => found && { ...found, value: expandHome(found.value, env, platform) };
  const clientCert = readClientCertificate({ cert: home(setting('cert')), key: home(setting('key')), passEnv: setting('pass-env') }, env);
  const proxySetting = setting('proxy');
  const proxy = proxyFor(url, env, proxySetting?.value);
  refuseInsecureProxy(url, proxy, flags['allow-insecure-http'] === true);
  const retryDelay = setting('retry-delay') ? number('retry-delay', 0, { zeroAllowed: true }) * 1000 : undefined;
  return {
    timeouts: {
      connectMs: number('connect-timeout', DEFAULT_TIMEOUTS.connectMs / 1000, {}) * 1000,
      totalMs: number('max-time', DEFAULT_TIMEOUTS.totalMs / 1000, {}) * 1000,
    },
    retry: {
      retries: number('retry', idempotent ? DEFAULT_RETRIES.read : DEFAULT_RETRIES.create, { integer: true, zeroAllowed: true }),
      retryMaxTimeMs: number('retry-max-time', 0, { zeroAllowed: true }) * 1000,
      ...(retryDelay !== undefined ? { retryDelayMs: retryDelay } : {}),
      idempotent,
    },
    ...(ca ? { ca, cacertPath: cacert?.value } : {}),
    insecure: flags['insecure'] === true,
    ...(clientCert ? { clientCert } : {}),
    ...(proxy ? { proxy } : {}),
    proxyFromFlag: proxySetting !== undefined && proxy !== undefined,
  };
}

function fail(found: { typed: boolean }, message: string): never {
  throw found.typed ? new UsageError(message, 'E_BAD_FLAG') : new ConfigError(message, 'E_BAD_CONFIG');
}
