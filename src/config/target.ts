// Where the URL and token come from, highest first: what the command line names (--url and
// --bearer, then the profile named by --profile), then the environment meant for oneoffice
// (ONEOFFICE_URL/BEARER, then the profile named by ONEOFFICE_PROFILE), then the docs' URL/BEARER
// (which some CI systems set for their own use), then the config file's default profile.
import { ConfigError, UsageError } from '../api/errors.js';
import type { Env, LoadedConfig } from './file.js';
import { maskUrlPassword } from '../api/mask.js';
import { BREAK_INSIDE, breaksInsideUrl } from '../api/url-text.js';
import type { SettingNames } from '../api/settings.js';

export interface Target {
  url: URL;
  /** Empty when not required (--curl writes it as $BEARER). */
  token: string;
  /** Where each came from, for -v: `--url`, `$ONEOFFICE_URL`, `profile staging (config file ...)`. */
  urlFrom: string;
  tokenFrom?: string;
  /** The same as data: where --curl's command reads the token (the variable, the config file). */
  tokenOrigin?: TokenOrigin;
  /** The URL as given (curl's -w %{url}); `url` is the one used. */
  urlText?: string;
}

/** Where a token was found. */
export type TokenOrigin = { kind: 'flag' } | { kind: 'env'; variable: 'ONEOFFICE_BEARER' | 'BEARER' } | { kind: 'profile' };

interface Candidate {
  value: string | undefined;
  /** Tokens only: where it is, as data. */
  origin?: TokenOrigin;
  /** For error messages about the value (`flag --url: not a valid URL`). */
  source: string;
  /** Where it came from, for -v and "looked in ...". */
  label: string;
  /** Given by the caller (a flag, a library option): a wrong value is a usage error. */
  typed?: boolean;
}

function pick(candidates: Candidate[]): Candidate | undefined {
  return candidates.find((candidate) => candidate.value !== undefined && candidate.value !== '');
}

/** The candidates for one setting, in the order above. */
function ranked(flag: Candidate, oneoffice: Candidate, docs: Candidate, profile: Candidate, from: LoadedConfig['profileFrom']): Candidate[] {
  if (from === 'flag') return [flag, profile, oneoffice, docs];
  if (from === 'env') return [flag, oneoffice, profile, docs];
  return [flag, oneoffice, docs, profile];
}

function lookedIn(candidates: Candidate[]): string {
  const labels = candidates.map((candidate) => candidate.label.replace(/^profile (\S+) \(config file (.*)\)$/, 'profile "$1" in $2'));
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/** `given`: what the caller set (flags, options), named in messages as `names` says (`--url`, `url`). */
export function resolveTarget(given: { url?: string; bearer?: string }, env: Env, config: LoadedConfig, names: Pick<SettingNames, 'url' | 'token'>, options = { requireToken: true }): Target {
  // A flag is said as such (`flag --url: ...`, `looked in --url`); a library option by its name (`the url option`).
  const isFlag = (name: string) => name.startsWith('-');
  const givenSource = (name: string) => (isFlag(name) ? `flag ${name}` : `option ${name}`);
  const givenLabel = (name: string) => (isFlag(name) ? name : `the ${name} option`);
  const configSource = `profile "${config.profileName}" in ${config.path}`;
  const profileLabel = `profile ${config.profileName} (config file ${config.path}${config.profileFrom === 'env' ? ', named by $ONEOFFICE_PROFILE' : ''})`;
  const urls = ranked(
    { value: given.url, source: givenSource(names.url), label: givenLabel(names.url), typed: true },
    { value: env['ONEOFFICE_URL'], source: 'env ONEOFFICE_URL', label: '$ONEOFFICE_URL' },
    { value: env['URL'], source: 'env URL', label: '$URL' },
    { value: config.profile.url, source: `config (${configSource})`, label: profileLabel },
    config.profileFrom,
  );
  const tokens = ranked(
    { value: given.bearer, source: givenSource(names.token), label: givenLabel(names.token), typed: true, origin: { kind: 'flag' } },
    { value: env['ONEOFFICE_BEARER'], source: 'env ONEOFFICE_BEARER', label: '$ONEOFFICE_BEARER', origin: { kind: 'env', variable: 'ONEOFFICE_BEARER' } },
    { value: env['BEARER'], source: 'env BEARER', label: '$BEARER', origin: { kind: 'env', variable: 'BEARER' } },
    { value: config.profile.bearer, source: `config (${configSource})`, label: profileLabel, origin: { kind: 'profile' } },
    config.profileFrom,
  );
  const url = pick(urls);
  const token = pick(tokens);
  if (!url) {
    throw new ConfigError(`no API URL: looked in ${lookedIn(urls)} (set one, e.g. oneoffice config set url https://...)`, 'E_NO_URL');
  }
  if (!token && options.requireToken) {
    throw new ConfigError(`no API token: looked in ${lookedIn(tokens)} (set one, e.g. oneoffice config set bearer)`, 'E_NO_TOKEN');
  }
  return { url: parseUrl(url.value as string, url.source, url.typed === true), token: token?.value ?? '', urlFrom: url.label, urlText: url.value as string, ...(token ? { tokenFrom: token.label, ...(token.origin ? { tokenOrigin: token.origin } : {}) } : {}) };
}

/** `typed`: the user typed it in this command (a usage error), rather than it coming from env or config. */
export function parseUrl(text: string, source: string, typed = source.startsWith('flag')): URL {
  if (breaksInsideUrl(text)) throw invalid(`${source}: not a valid URL: ${BREAK_INSIDE} (got ${JSON.stringify(maskUrlPassword(text))})`, typed);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`${source}: not a valid URL (got ${JSON.stringify(maskUrlPassword(text))})`, typed);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`${source}: must be an http:// or https:// URL (got ${JSON.stringify(url.protocol)})`, typed);
  }
  return url;
}

function invalid(message: string, typed: boolean): Error {
  return typed ? new UsageError(message, 'E_BAD_URL') : new ConfigError(message, 'E_BAD_URL');
}

/** A token must not cross the network in clear text; loopback is fine (tests, `oneoffice mock`). */
export function refuseInsecureHttp(url: URL, allowed: boolean, names: SettingNames): void {
  if (url.protocol !== 'http:' || allowed || isLoopback(url.hostname)) return;
  throw new UsageError(`refusing to send the token over plain http:// to ${url.hostname}: use https://, or pass ${names.allowInsecureHttp}`, 'E_INSECURE_HTTP');
}

/**
 * Every hop that sees the token counts: a plain http:// call through a proxy is forwarded by it in
 * clear, so a proxy reached over plain http:// must be loopback too (even for a loopback --url: the
 * proxy would call its own loopback). An https:// call goes through a CONNECT tunnel, which the
 * proxy cannot read.
 */
export function refuseInsecureProxy(url: URL, proxy: URL | undefined, allowed: boolean, names: SettingNames): void {
  if (!proxy || url.protocol !== 'http:' || proxy.protocol !== 'http:' || allowed || isLoopback(proxy.hostname)) return;
  throw new UsageError(
    `refusing to send the token over plain http:// through the proxy ${proxy.hostname}, which would see it: use an https:// URL (the proxy then only tunnels), a loopback proxy, or pass ${names.allowInsecureHttp}`,
    'E_INSECURE_HTTP',
  );
}

/**
 * Names and addresses that never leave the machine: localhost and *.localhost, 127.0.0.0/8, ::1, and
 * 127.0.0.0/8 written as an IPv4-mapped IPv6 address ([::ffff:127.0.0.1], which the URL parser turns
 * into [::ffff:7f00:1]): the same loopback address on a dual-stack socket. Look-alikes such as
 * 127.evil.example or localhost.evil.com are names that DNS resolves, so they are not loopback.
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    /^::ffff:(7f[0-9a-f]{2}:[0-9a-f]{1,4}|127\.\d+\.\d+\.\d+)$/.test(host)
  );
}
