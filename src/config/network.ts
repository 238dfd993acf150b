// The network settings of a call: each from what the caller chose (the CLI's flags read by
// options/network-flags.ts, or the library's options: typed, api/settings.ts), else the config
// profile, else the default. Messages name a setting as the caller's front end does (`names`).
import { readFileSync } from 'node:fs';
import type { Env, Profile } from './file.js';
import { expandHome } from './paths.js';
import { ConfigError, UsageError, ValidationError } from '../api/errors.js';
import { aboutSetting, type NetworkChoices, type SettingName, type SettingNames } from '../api/settings.js';
import { proxyFor } from '../http/proxy.js';
import type { RetryOptions } from '../api/retry.js';
import type { ConnectionOptions, Timeouts } from '../http/transport.js';
import { refuseInsecureProxy } from './target.js';
import { readClientCertificate, type Setting } from '../http/client-cert.js';
import { MAX_DURATION_S, NUMBER_SETTINGS, readNumberText, settingValue } from '../options/network-flags.js';

export { MAX_DURATION_S };
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

/** --retry when neither a flag nor the config file sets it: creates are never retried blindly, idempotent reads twice. */
export const DEFAULT_RETRIES = { create: 0, read: 2 } as const;

/**
 * The settings of a command whose calls may go to both kinds of method (batch, test, the library
 * client): resolved once, so the CA bundle and client certificate are read once; only the retry
 * default differs for idempotent reads.
 */
export function resolveNetworkPair(choices: NetworkChoices, names: SettingNames, profile: Profile, env: Env, url: URL, platform: NodeJS.Platform = process.platform): { create: NetworkSettings; read: NetworkSettings } {
  const create = resolveNetwork(choices, names, profile, env, url, false, platform);
  const retrySet = choices.retries !== undefined || profile['retry'] !== undefined;
  const read = { ...create, retry: { ...create.retry, retries: retrySet ? create.retry.retries : DEFAULT_RETRIES.read, idempotent: true } };
  return { create, read };
}

/** `choices`: what the caller set, typed; `names`: how its messages name each setting (the CLI's flags, the library's options). */
export function resolveNetwork(choices: NetworkChoices, names: SettingNames, profile: Profile, env: Env, url: URL, idempotent: boolean, platform: NodeJS.Platform = process.platform): NetworkSettings {
  checkChoices(choices, names);
  const numbers: Partial<Record<SettingName, number>> = {};
  for (const { setting, key, kind } of NUMBER_SETTINGS) {
    const chosen = choices[setting];
    const configured = profile[key];
    if (chosen !== undefined) numbers[setting] = chosen;
    else if (configured !== undefined) {
      const read = readNumberText(configured, kind);
      if (!read.ok) throw aboutSetting(new ConfigError(`config ${key}: ${read.problem}`, 'E_BAD_CONFIG'), setting);
      numbers[setting] = settingValue(kind, read.value);
    }
  }
  const setting = (name: 'proxy' | 'cacert' | 'cert' | 'key' | 'passEnv', key: 'proxy' | 'cacert' | 'cert' | 'key' | 'pass-env'): Setting | undefined => {
    const chosen = choices[name];
    if (chosen !== undefined) return { value: chosen, source: names[name], typed: true, setting: name };
    const configured = profile[key];
    return configured === undefined ? undefined : { value: configured, source: `config ${key}`, typed: false, setting: name };
  };
  // `~/ca.pem` reaches us unexpanded from cmd.exe, PowerShell and the config file.
  const home = (found: Setting | undefined) => found && { ...found, value: expandHome(found.value, env, platform) };
  const cacert = home(setting('cacert', 'cacert'));
  let ca: string | undefined;
  if (cacert) {
    try {
      ca = readFileSync(cacert.value, 'utf8');
    } catch (error) {
      fail(cacert, `${cacert.source}: cannot read ${cacert.value}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (!ca?.includes('-----BEGIN CERTIFICATE-----')) fail(cacert, `${cacert.source}: ${cacert.value} holds no PEM certificate`);
  }
  const clientCert = readClientCertificate({ cert: home(setting('cert', 'cert')), key: home(setting('key', 'key')), passEnv: setting('passEnv', 'pass-env') }, env, names);
  const proxySetting = setting('proxy', 'proxy');
  const proxy = proxyFor(url, env, proxySetting?.value, proxySetting?.source);
  refuseInsecureProxy(url, proxy, choices.allowInsecureHttp === true, names);
  return {
    timeouts: {
      connectMs: numbers.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs,
      totalMs: numbers.maxTimeMs ?? DEFAULT_TIMEOUTS.totalMs,
    },
    retry: {
      retries: numbers.retries ?? (idempotent ? DEFAULT_RETRIES.read : DEFAULT_RETRIES.create),
      retryMaxTimeMs: numbers.retryMaxTimeMs ?? 0,
      ...(numbers.retryDelayMs !== undefined ? { retryDelayMs: numbers.retryDelayMs } : {}),
      idempotent,
    },
    ...(ca ? { ca, cacertPath: cacert?.value } : {}),
    insecure: choices.insecure === true,
    ...(clientCert ? { clientCert } : {}),
    ...(proxy ? { proxy } : {}),
    proxyFromFlag: proxySetting !== undefined && proxy !== undefined,
    names,
  };
}

/**
 * A library caller's numbers, in its own units (the CLI's were checked as flags already and pass):
 * every problem at once, each naming the option.
 */
function checkChoices(choices: NetworkChoices, names: SettingNames): void {
  const problems: string[] = [];
  const most = MAX_DURATION_S * 1000;
  for (const { setting, kind } of NUMBER_SETTINGS) {
    const value = choices[setting];
    if (value === undefined) continue;
    const least = 'zeroAllowed' in kind ? 0 : Number.MIN_VALUE;
    const whole = 'integer' in kind;
    const inRange = typeof value === 'number' && Number.isFinite(value) && value >= least && (!whole || Number.isInteger(value)) && (whole || value <= most);
    if (!inRange) {
      const what = whole ? 'a whole number (0 or more)' : `a number of milliseconds ${least === 0 ? 'from 0' : 'above 0'} to ${most} (one day)`;
      problems.push(`${names[setting]}: must be ${what} (got ${typeof value === 'number' ? String(value) : typeof value})`);
    }
  }
  if (problems.length) throw new ValidationError(problems);
}

function fail(found: Setting, message: string): never {
  const error = found.typed ? new UsageError(message, 'E_BAD_FLAG') : new ConfigError(message, 'E_BAD_CONFIG');
  throw found.setting ? aboutSetting(error, found.setting) : error;
}
