// `oneoffice config set|get|unset|list|path|use|delete`. The token is masked on output, and `config
// set bearer` without a value reads it from stdin or a hidden prompt so it stays out of shell
// history. Values are checked as the flags they stand for are; changes are serialised (a lock).
// Only `config set` creates a profile: every other command refuses one that does not exist.
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { activeProfileName, configPath, DEFAULT_PROFILE, PROFILE_KEYS, profileNameProblem, profileSourceOf, readConfig, type ProfileKey } from '../../config/file.js';
import { resolveNetwork } from '../../config/network.js';
import { FLAG_NAMES, readNetworkFlags } from '../../options/network-flags.js';
import { checkClientSetting } from '../../http/client-cert.js';
import { isKnownProfile, unknownProfileError } from '../../config/profiles.js';
import type { Context } from '../context.js';
import { ConfigError, isOneOfficeError, UsageError } from '../../api/errors.js';
import { maskSecret, maskUrlPassword } from '../../api/mask.js';
import { parseUrl } from '../../config/target.js';
import { tokenProblem } from '../../api/header-lines.js';
import { createRegistry } from '../../api/schema/registry.js';
import { builtinSchemas } from '../../generated/builtin.js';
import { COMMAND_NAMES } from '../registry.js';

function checkKey(key: string): ProfileKey {
  if (!(PROFILE_KEYS as readonly string[]).includes(key)) {
    throw new UsageError(`config: unknown key ${JSON.stringify(key)} (keys: ${PROFILE_KEYS.join(', ')})`, 'E_CONFIG_KEY');
  }
  return key as ProfileKey;
}

/** `creating`: config set may make a new profile; the other commands need an existing one. */
function profileOf(ctx: Context, creating = false): { path: string; profile: string } {
  const path = configPath(ctx.deps.env, ctx.globals.config, ctx.platform());
  const data = readConfig(path);
  const profile = activeProfileName(data, ctx.deps.env, ctx.globals.profile);
  // The file's defaultProfile was checked as the file was read: a bad name here came from --profile or the environment.
  const problem = profileNameProblem(profile);
  if (problem) {
    if (ctx.globals.profile) throw new UsageError(`--profile: ${problem}`, 'E_PROFILE');
    throw new ConfigError(`$ONEOFFICE_PROFILE: ${problem}`, 'E_PROFILE');
  }
  const names = Object.keys(data.profiles ?? {});
  if (!creating && !isKnownProfile(profile, names)) throw unknownProfileError(profile, names, path, profileSourceOf(data, ctx.deps.env, ctx.globals.profile));
  return { path, profile };
}

/** The network keys take what their flags take: checked by the same code, the message naming `config set`. */
function checkValue(key: ProfileKey, value: string): void {
  if (key === 'url') parseUrl(value, 'config set url', true);
  // Refused now, in the words a call would use, rather than by every call later (exit 3).
  const badToken = key === 'bearer' ? tokenProblem(value) : undefined;
  if (badToken !== undefined) throw new UsageError(`config set bearer: ${badToken}`, 'E_CONFIG_VALUE');
  if (key === 'schemas') {
    // Read as every command reads it once stored: a schema there that is not JSON, or named after a
    // command, would stop every command (config unset schemas too) with exit 3.
    try {
      createRegistry(builtinSchemas, value, [...COMMAND_NAMES]);
    } catch (error) {
      if (isOneOfficeError(error)) throw new UsageError(`config set schemas: ${error.message}`, 'E_CONFIG_VALUE');
      throw error;
    }
  }
  if (key === 'url' || key === 'bearer' || key === 'schemas') return;
  // The certificate, its key and the passphrase variable are set one at a time: each is checked alone.
  if (key === 'cert' || key === 'key' || key === 'pass-env') {
    checkClientSetting(key, { value, source: `config set ${key}`, typed: true });
    return;
  }
  const said = (message: string) => message.replace(`--${key}`, `config set ${key}`);
  const { choices, problems } = readNetworkFlags({ [key]: value });
  if (problems.length) throw new UsageError(problems.map(said).join('\n'), 'E_CONFIG_VALUE');
  try {
    resolveNetwork(choices, FLAG_NAMES, {}, {}, new URL('https://config.check.invalid/'), false);
  } catch (error) {
    if (isOneOfficeError(error)) throw new UsageError(said(error.message), 'E_CONFIG_VALUE');
    throw error;
  }
}

function show(key: ProfileKey, value: string, showSecrets: boolean): string {
  if (showSecrets) return value;
  // A URL or proxy may carry a password (https://user:pass@host/).
  return key === 'bearer' ? maskSecret(value) : key === 'url' || key === 'proxy' ? maskUrlPassword(value) : value;
}

export async function configSet(ctx: Context, keyText: string, valueArg: string | undefined): Promise<number> {
  const key = checkKey(keyText);
  let value = valueArg;
  if (value === undefined) {
    if (key !== 'bearer') throw new UsageError(`config set ${key}: missing value`);
    value = await readSecret(ctx, 'API token: ');
  } else if (key === 'bearer') {
    ctx.warn('a token typed on the command line stays in your shell history; run "oneoffice config set bearer" and paste it at the prompt instead');
  }
  value = value.trim();
  if (value === '') throw new UsageError(`config set ${key}: empty value`);
  checkValue(key, value);
  // Kept absolute: later calls may run from another directory.
  if (key === 'cacert' || key === 'schemas' || key === 'cert' || key === 'key') value = resolve(value);
  const { path, profile } = profileOf(ctx, true);
  const { updateConfig } = await import('../../config/store.js');
  await updateConfig(path, (store) => store.set(`profiles.${profile}.${key}`, value));
  ctx.deps.stderr.write(`set ${key} in profile "${profile}" (${path})\n`);
  return 0;
}

export function configGet(ctx: Context, keyText: string, showSecrets: boolean): number {
  const key = checkKey(keyText);
  const { path, profile } = profileOf(ctx);
  const value = readConfig(path).profiles?.[profile]?.[key];
  if (value === undefined) throw new ConfigError(`${key} is not set in profile "${profile}" (${path})`, 'E_CONFIG_UNSET');
  ctx.deps.stdout.write(`${show(key, value, showSecrets)}\n`);
  return 0;
}

export async function configUnset(ctx: Context, keyText: string): Promise<number> {
  const key = checkKey(keyText);
  const { path, profile } = profileOf(ctx);
  const { updateConfig } = await import('../../config/store.js');
  await updateConfig(path, (store) => store.delete(`profiles.${profile}.${key}`));
  ctx.deps.stderr.write(`unset ${key} in profile "${profile}" (${path})\n`);
  return 0;
}

/** Every profile, the active one marked, as `profile.key=value` lines (token masked). */
export function configList(ctx: Context, showSecrets: boolean): number {
  const { path, profile: active } = profileOf(ctx);
  const data = readConfig(path);
  const lines: string[] = [];
  const profiles = data.profiles ?? {};
  const names = Object.keys(profiles).sort();
  if (!names.includes(active)) names.unshift(active);
  for (const name of names) {
    lines.push(`[${name}]${name === active ? ' (active)' : ''}`);
    for (const key of PROFILE_KEYS) {
      const value = profiles[name]?.[key];
      if (value !== undefined) lines.push(`${key}=${show(key, value, showSecrets)}`);
    }
  }
  ctx.deps.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export function configPathCommand(ctx: Context): number {
  ctx.deps.stdout.write(`${configPath(ctx.deps.env, ctx.globals.config, ctx.platform())}\n`);
  return 0;
}

export async function configUse(ctx: Context, profile: string): Promise<number> {
  const problem = profileNameProblem(profile);
  if (problem) throw new UsageError(`config use: ${problem}`, 'E_PROFILE');
  const path = configPath(ctx.deps.env, ctx.globals.config, ctx.platform());
  const { updateConfig } = await import('../../config/store.js');
  await updateConfig(path, (store) => {
    // Checked under the lock: a profile deleted meanwhile must not become the default.
    const names = Object.keys(store.get('profiles') ?? {});
    if (!isKnownProfile(profile, names)) throw unknownProfileError(profile, names, path, 'config use');
    if (profile === DEFAULT_PROFILE) store.delete('defaultProfile');
    else store.set('defaultProfile', profile);
  });
  ctx.deps.stderr.write(`profile "${profile}" is now the default (${path})\n`);
  return 0;
}

/** Removes a profile and everything in it; if it was the default, "default" becomes the default again. */
export async function configDelete(ctx: Context, profile: string): Promise<number> {
  const path = configPath(ctx.deps.env, ctx.globals.config, ctx.platform());
  const { updateConfig } = await import('../../config/store.js');
  const wasDefault = await updateConfig(path, (store) => {
    const names = Object.keys(store.get('profiles') ?? {});
    if (!names.includes(profile)) throw unknownProfileError(profile, names, path, 'config delete');
    store.delete(`profiles.${profile}` as 'profiles');
    const isDefault = store.get('defaultProfile') === profile;
    if (isDefault) store.delete('defaultProfile');
    return isDefault;
  });
  ctx.deps.stderr.write(`deleted profile "${profile}"${wasDefault ? '; "default" is the default profile again' : ''} (${path})\n`);
  return 0;
}

/** A hidden prompt on a terminal; otherwise the first line of stdin. Never prompts without a TTY. */
async function readSecret(ctx: Context, prompt: string): Promise<string> {
  const { stdin, stderr } = ctx.deps;
  if (stdin.isTTY) {
    const { read } = await import('read');
    try {
      return await read({ prompt, silent: true, replace: '', input: stdin, output: stderr });
    } catch {
      throw new UsageError('config set bearer: cancelled', 'E_CANCELLED');
    }
  }
  return (await firstLine(stdin)) ?? '';
}

async function firstLine(stream: Readable): Promise<string | undefined> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    const newline = text.indexOf('\n');
    if (newline !== -1) return text.slice(0, newline);
  }
  return text === '' ? undefined : text;
}
