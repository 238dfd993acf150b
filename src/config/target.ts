// Where the URL and token come from, highest first: flags, ONEOFFICE_* env, the docs' URL/BEARER
// env, then the config file's active profile.
import { ConfigError, UsageError } from '../api/errors.js';
import type { Env, LoadedConfig } from './file.js';

export interface Target {
  url: URL;
  /** Empty when not required (--curl writes it as $BEARER). */
  token: string;
}

interface Candidate {
  value: string | undefined;
  source: string;
}

function pick(candidates: Candidate[]): Candidate | undefined {
  return candidates.find((candidate) => candidate.value !== undefined && candidate.value !== '');
}

export function resolveTarget(flags: { url?: string; bearer?: string }, env: Env, config: LoadedConfig, options = { requireToken: true }): Target {
  const configSource = `profile "${config.profileName}" in ${config.path}`;
  const url = pick([
    { value: flags.url, source: 'flag --url' },
    { value: env['ONEOFFICE_URL'], source: 'env ONEOFFICE_URL' },
    { value: env['URL'], source: 'env URL' },
    { value: config.profile.url, source: `config (${configSource})` },
  ]);
  const token = pick([
    { value: flags.bearer, source: 'flag --bearer' },
    { value: env['ONEOFFICE_BEARER'], source: 'env ONEOFFICE_BEARER' },
    { value: env['BEARER'], source: 'env BEARER' },
    { value: config.profile.bearer, source: `config (${configSource})` },
  ]);
  if (!url) {
    throw new ConfigError(`no API URL: looked in --url, $ONEOFFICE_URL, $URL and ${configSource} (set one, e.g. oneoffice config set url https://...)`, 'E_NO_URL');
  }
  if (!token && options.requireToken) {
    throw new ConfigError(`no API token: looked in --bearer, $ONEOFFICE_BEARER, $BEARER and ${configSource} (set one, e.g. oneoffice config set bearer)`, 'E_NO_TOKEN');
  }
  return { url: parseUrl(url.value as string, url.source), token: token?.value ?? '' };
}

/** `typed`: the user typed it in this command (a usage error), rather than it coming from env or config. */
export function parseUrl(text: string, source: string, typed = source.startsWith('flag')): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`${source}: not a valid URL (got ${JSON.stringify(text)})`, typed);
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
export function refuseInsecureHttp(url: URL, allowed: boolean): void {
  if (url.protocol !== 'http:' || allowed || isLoopback(url.hostname)) return;
  throw new UsageError(`refusing to send the token over plain http:// to ${url.hostname}: use https://, or pass --allow-insecure-http`, 'E_INSECURE_HTTP');
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
