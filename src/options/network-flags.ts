// The CLI's edge for the network flags: --max-time 5 and the rest are read here once, into the typed
// settings every layer below takes (api/settings.ts: milliseconds, counts, paths, booleans), every
// problem collected and named by its flag. The config file's values, strings too, are read by the
// same rules (config/network.ts), so `config set max-time` and --max-time accept the same.
import type { NetworkChoices, SettingNames } from '../api/settings.js';
import type { ParsedArgs } from './args.js';

/** The CLI's words for each setting: its flags. */
export const FLAG_NAMES: SettingNames = {
  url: '--url',
  token: '--bearer',
  connectTimeoutMs: '--connect-timeout',
  maxTimeMs: '--max-time',
  retries: '--retry',
  retryMaxTimeMs: '--retry-max-time',
  retryDelayMs: '--retry-delay',
  proxy: '--proxy',
  cacert: '--cacert',
  insecure: '-k',
  cert: '--cert',
  key: '--key',
  // No flag takes a passphrase (--pass-env names where it is, or a prompt asks): what is wrong is the key's.
  passphrase: '--key',
  passEnv: '--pass-env',
  allowInsecureHttp: '--allow-insecure-http',
};

/**
 * The longest any duration flag may be (--connect-timeout, --max-time, --retry-max-time,
 * --retry-delay): one day. Node's timers cannot wait longer than ~24.8 days (a longer one fires at
 * once), and no call to this API should wait a day.
 */
export const MAX_DURATION_S = 86_400;

export type SecondsKind = { integer?: boolean; zeroAllowed?: boolean };

/** A number as the duration flags and --retry take it (seconds, or a count); the problem is said without its flag. */
export function readNumberText(text: string, kind: SecondsKind): { ok: true; value: number } | { ok: false; problem: string } {
  const value = Number(text);
  const ok = text.trim() !== '' && Number.isFinite(value) && (kind.zeroAllowed ? value >= 0 : value > 0) && (!kind.integer || Number.isInteger(value));
  if (!ok) return { ok: false, problem: `must be ${kind.integer ? 'a whole number' : 'a number of seconds'}${kind.zeroAllowed ? ' (0 or more)' : ' above 0'} (got ${JSON.stringify(text)})` };
  if (!kind.integer && value > MAX_DURATION_S) return { ok: false, problem: `must be at most ${MAX_DURATION_S} seconds (one day) (got ${JSON.stringify(text)})` };
  return { ok: true, value };
}

/** How each number setting is written: flag and config key, and what it takes. */
export const NUMBER_SETTINGS = [
  { setting: 'connectTimeoutMs', key: 'connect-timeout', kind: {} },
  { setting: 'maxTimeMs', key: 'max-time', kind: {} },
  { setting: 'retries', key: 'retry', kind: { integer: true, zeroAllowed: true } },
  { setting: 'retryMaxTimeMs', key: 'retry-max-time', kind: { zeroAllowed: true } },
  { setting: 'retryDelayMs', key: 'retry-delay', kind: { zeroAllowed: true } },
] as const satisfies ReadonlyArray<{ setting: keyof NetworkChoices; key: string; kind: SecondsKind }>;

/** The value as the setting holds it: seconds become milliseconds, a count stays. */
export function settingValue(kind: SecondsKind, value: number): number {
  return kind.integer ? value : value * 1000;
}

const PATH_SETTINGS = [
  { setting: 'proxy', key: 'proxy' },
  { setting: 'cacert', key: 'cacert' },
  { setting: 'cert', key: 'cert' },
  { setting: 'key', key: 'key' },
  { setting: 'passEnv', key: 'pass-env' },
] as const;

/** The network flags of a command as typed settings, and every problem with them. */
export function readNetworkFlags(options: ParsedArgs['options']): { choices: NetworkChoices; problems: string[] } {
  const choices: NetworkChoices = {};
  const problems: string[] = [];
  for (const { setting, key, kind } of NUMBER_SETTINGS) {
    const text = options[key];
    if (typeof text !== 'string') continue;
    const read = readNumberText(text, kind);
    if (read.ok) choices[setting] = settingValue(kind, read.value);
    else problems.push(`--${key}: ${read.problem}`);
  }
  for (const { setting, key } of PATH_SETTINGS) {
    const text = options[key];
    if (typeof text === 'string') choices[setting] = text;
  }
  if (options['insecure'] === true) choices.insecure = true;
  if (options['allow-insecure-http'] === true) choices.allowInsecureHttp = true;
  return { choices, problems };
}
