// Where the config file lives and a fast read of it. Writing goes through `conf` (config/store.ts),
// which costs tens of milliseconds to load; reading a small JSON file does not need it.
import { readJson } from '../api/json.js';
import { readFileSync } from 'node:fs';
import { isUtf16, UTF16_ADVICE } from '../api/text.js';
import { ConfigError } from '../api/errors.js';
import { defaultConfigPath, expandHome } from './paths.js';

import type { Env } from '../api/env.js';

export type { Env };

/** The settings a profile may hold: where to call, and defaults for the network flags. */
export const PROFILE_KEYS = ['url', 'bearer', 'schemas', 'connect-timeout', 'max-time', 'retry', 'retry-max-time', 'retry-delay', 'proxy', 'cacert', 'cert', 'key', 'pass-env'] as const;
export type ProfileKey = (typeof PROFILE_KEYS)[number];
export type Profile = Partial<Record<ProfileKey, string>>;

export interface ConfigData {
  /** The profile used when neither --profile nor ONEOFFICE_PROFILE names one. */
  defaultProfile?: string;
  profiles?: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';

export function configPath(env: Env, flag?: string, platform: NodeJS.Platform = process.platform): string {
  if (flag) return expandHome(flag, env, platform);
  if (env['ONEOFFICE_CONFIG']) return expandHome(env['ONEOFFICE_CONFIG'], env, platform);
  return defaultConfigPath(env, platform);
}

/** The parsed file, or an empty config when it does not exist yet. */
export function readConfig(path: string): ConfigData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'E_CONFIG_READ');
  }
  if (isUtf16(text)) throw new ConfigError(`config file ${path} ${UTF16_ADVICE}`, 'E_CONFIG_READ');
  // The file holds tokens: a syntax error is placed by line and column, never quoted.
  const read = readJson(text);
  if (!read.ok) throw new ConfigError(`config file ${path} is not valid JSON: ${read.reason} at line ${read.line} column ${read.column}`, 'E_CONFIG_READ');
  const data = read.value;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`config file ${path} must hold a JSON object`, 'E_CONFIG_READ');
  }
  return data as ConfigData;
}

export function activeProfileName(data: ConfigData, env: Env, flag?: string): string {
  return flag || env['ONEOFFICE_PROFILE'] || data.defaultProfile || DEFAULT_PROFILE;
}

export interface LoadedConfig {
  path: string;
  profileName: string;
  /** Who chose the profile: --profile, $ONEOFFICE_PROFILE, or the file's default. It decides how the profile ranks against the environment. */
  profileFrom: 'flag' | 'env' | 'default';
  profile: Profile;
  /** The profiles the file holds. */
  profileNames: string[];
  /** What chose the profile (an unknown one is an error: src/config/profiles.ts). */
  profileSource: ProfileSource;
}

export type ProfileSource = '--profile' | '$ONEOFFICE_PROFILE' | 'the default profile (config use)' | 'default';

export function profileSourceOf(data: ConfigData, env: Env, flag?: string): ProfileSource {
  return flag ? '--profile' : env['ONEOFFICE_PROFILE'] ? '$ONEOFFICE_PROFILE' : data.defaultProfile ? 'the default profile (config use)' : 'default';
}

export function loadConfig(env: Env, flags: { config?: string; profile?: string }, platform: NodeJS.Platform = process.platform): LoadedConfig {
  const path = configPath(env, flags.config, platform);
  const data = readConfig(path);
  const profileName = activeProfileName(data, env, flags.profile);
  const profileFrom = flags.profile ? 'flag' : env['ONEOFFICE_PROFILE'] ? 'env' : 'default';
  const profileNames = Object.keys(data.profiles ?? {});
  return { path, profileName, profileFrom, profile: data.profiles?.[profileName] ?? {}, profileNames, profileSource: profileSourceOf(data, env, flags.profile) };
}
