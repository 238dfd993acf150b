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
  const problems = configProblems(data as Record<string, unknown>);
  // One line naming the file and the first wrong key; values are described, never quoted (they may be tokens).
  if (problems.length) throw new ConfigError(`config file ${path}: ${problems.join('; ')}`, 'E_BAD_CONFIG');
  return data as ConfigData;
}

/** What a profile may be called: letters, digits, - and _ (a name is part of a dotted path when written). */
export const PROFILE_NAME = /^[A-Za-z0-9_-]+$/;
/** Names that would reach an object's prototype: a profile so named would be written nowhere. */
const RESERVED_PROFILE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a name cannot be a profile's, or undefined when it can. */
export function profileNameProblem(name: string): string | undefined {
  if (!PROFILE_NAME.test(name)) return `profile names are letters, digits, - and _ (got ${JSON.stringify(name)})`;
  if (RESERVED_PROFILE_NAMES.has(name)) return `"${name}" is not allowed as a profile name`;
  return undefined;
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Every key of the file with the wrong type, as `profiles.staging.url must be a string (got a number)`. */
function configProblems(data: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const { defaultProfile, profiles } = data;
  if (defaultProfile !== undefined) {
    if (typeof defaultProfile !== 'string') problems.push(`defaultProfile must be a string (got ${kindOf(defaultProfile)})`);
    else {
      const problem = profileNameProblem(defaultProfile);
      if (problem) problems.push(`defaultProfile: ${problem}`);
    }
  }
  if (profiles === undefined) return problems;
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) return [...problems, `profiles must be an object (got ${kindOf(profiles)})`];
  for (const [name, profile] of Object.entries(profiles)) {
    const nameProblem = profileNameProblem(name);
    if (nameProblem) problems.push(`profiles: ${nameProblem}`);
    else if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) problems.push(`profiles.${name} must be an object (got ${kindOf(profile)})`);
    else for (const key of PROFILE_KEYS) {
      const value = (profile as Record<string, unknown>)[key];
      if (Object.hasOwn(profile, key) && typeof value !== 'string') problems.push(`profiles.${name}.${key} must be a string (got ${kindOf(value)})`);
    }
  }
  return problems;
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
  return { path, profileName, profileFrom, profile: (data.profiles && Object.hasOwn(data.profiles, profileName) ? data.profiles[profileName] : undefined) ?? {}, profileNames, profileSource: profileSourceOf(data, env, flags.profile) };
}
