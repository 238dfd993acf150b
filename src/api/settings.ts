// The settings of a call's connection, by the names a library caller gives them (`maxTimeMs`,
// `cacert`...). Below the command line every layer speaks of settings by these names; each front end
// says them in its own words: the library as its options are called, the CLI as its flags
// (options/network-flags.ts). An error about a setting carries its name (`error.setting`), so a
// program can tell which setting it was without reading the message.
import type { OneOfficeError } from './errors.js';

export type SettingName =
  | 'url'
  | 'token'
  | 'connectTimeoutMs'
  | 'maxTimeMs'
  | 'retries'
  | 'retryMaxTimeMs'
  | 'retryDelayMs'
  | 'proxy'
  | 'cacert'
  | 'insecure'
  | 'cert'
  | 'key'
  | 'passphrase'
  | 'passEnv'
  | 'allowInsecureHttp';

/** How one front end names each setting in its messages. */
export type SettingNames = Readonly<Record<SettingName, string>>;

/** The library's words: its options' own names (a library caller never typed a flag). */
export const OPTION_NAMES: SettingNames = {
  url: 'url',
  token: 'token',
  connectTimeoutMs: 'connectTimeoutMs',
  maxTimeMs: 'maxTimeMs',
  retries: 'retries',
  retryMaxTimeMs: 'retryMaxTimeMs',
  retryDelayMs: 'retryDelayMs',
  proxy: 'proxy',
  cacert: 'cacert',
  insecure: 'insecure',
  cert: 'cert',
  key: 'key',
  passphrase: 'passphrase',
  passEnv: 'pass-env (config profile)',
  allowInsecureHttp: 'allowInsecureHttp',
};

/** `error`, marked as being about `setting`. */
export function aboutSetting<E extends OneOfficeError>(error: E, setting: SettingName): E {
  error.setting = setting;
  return error;
}

/**
 * What a caller chose for its calls, typed: durations in milliseconds, paths as given. What is left
 * out comes from the config profile, else the default (config/network.ts resolves it).
 */
export interface NetworkChoices {
  connectTimeoutMs?: number;
  /** Each attempt, body included. */
  maxTimeMs?: number;
  /** Attempts after the first. */
  retries?: number;
  retryMaxTimeMs?: number;
  retryDelayMs?: number;
  /** A proxy URL; '' for none (the environment's proxy left out too). */
  proxy?: string;
  /** Paths of PEM files. */
  cacert?: string;
  cert?: string;
  key?: string;
  /** The environment variable holding an encrypted key's passphrase. */
  passEnv?: string;
  insecure?: boolean;
  allowInsecureHttp?: boolean;
}
