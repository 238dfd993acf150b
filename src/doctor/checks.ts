// The doctor's verdicts: each check one line (ok, warn, fail with the reason and what to do, or
// skip when an earlier failure left nothing to look at). Pure: a function of the facts and the
// time, so every verdict is unit-tested without a network or a clock.
import { ExitCode, isOneOfficeError, type ExitCodeValue } from '../api/errors.js';
import type { Facts, ProbeFacts, TargetFacts } from './facts.js';
import { maskedUrl } from '../api/mask.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warn or fail. */
  hint?: string;
  /** A fail's class, from the exit-code table. */
  exitCode?: ExitCodeValue;
}

/** The oldest Node the package supports (package.json engines). */
export const MIN_NODE = [20, 18, 1] as const;
/** Certificates expiring sooner are a warning. */
export const CERT_WARN_DAYS = 14;
/** A server clock further off than this is a warning (signed links, createdAt checks). */
export const CLOCK_WARN_S = 60;
/** Tokens shorter than this are probably cut off. */
export const SHORT_TOKEN = 16;

const DAY_MS = 86_400_000;

/** `now`: the wall clock (ms since the epoch), for the clock and the certificate's days left. */
export function judge(facts: Facts, now: number): Check[] {
  const checks: Check[] = [nodeCheck(facts.node), configCheck(facts), completionCheck(facts.completion)];
  if ('error' in facts.target) {
    checks.push(fail('target', facts.target.error.message, facts.target.error.exitCode, 'set the URL and token: oneoffice config set url https://... and oneoffice config set bearer'));
    return [...checks, ...skipped(['proxy', 'dns', 'connect', 'tls', 'auth', 'clock', 'answer'])];
  }
  const target = facts.target;
  checks.push({ name: 'url', status: 'ok', detail: `${maskedUrl(target.url)} (from ${target.urlFrom})` }, tokenCheck(target));
  if (facts.networkError) {
    checks.push(fail('network', facts.networkError.message, facts.networkError.exitCode));
    return [...checks, ...skipped(['dns', 'connect', 'tls', 'auth', 'clock', 'answer'])];
  }
  checks.push(proxyCheck(facts));
  const dns = facts.dns;
  if (dns?.kind === 'failed') {
    checks.push(fail('dns', `cannot resolve ${dns.viaProxy ? 'the proxy ' : ''}${dns.host} (${dns.code})`, ExitCode.network, dns.viaProxy ? 'check the proxy URL' : 'check the URL\'s host name, and the DNS settings of this machine'));
    return [...checks, ...skipped(['connect', 'tls', 'auth', 'clock', 'answer'])];
  }
  if (dns) checks.push({ name: 'dns', status: 'ok', detail: dns.kind === 'ip' ? `${dns.host} is an IP address` : `${dns.viaProxy ? 'the proxy ' : ''}${dns.host} is ${dns.addresses.join(', ')}${dns.viaProxy ? ' (the proxy resolves the API\'s host)' : ''}` });
  if (!facts.probe) return [...checks, ...skipped(['connect', 'tls', 'auth', 'clock', 'answer'])];
  return [...checks, ...probeChecks(facts, target, facts.probe, now)];
}

/** The exit code of the doctor: 0 when nothing failed, else the class of the first failure. */
export function exitCodeOf(checks: readonly Check[]): ExitCodeValue {
  return checks.find((check) => check.status === 'fail')?.exitCode ?? ExitCode.ok;
}

function nodeCheck(version: string): Check {
  const parts = version.split('.').map(Number);
  const newer = MIN_NODE.findIndex((min, i) => (parts[i] ?? 0) !== min);
  const ok = newer === -1 || (parts[newer] ?? 0) > (MIN_NODE[newer] as number);
  const detail = `Node ${version}`;
  return ok ? { name: 'node', status: 'ok', detail } : fail('node', `${detail}: oneoffice needs ${MIN_NODE.join('.')} or later`, ExitCode.config, 'install a newer Node (nodejs.org)');
}

function configCheck(facts: Facts): Check {
  const config = facts.config;
  if (config.kind === 'error') return fail('config', config.error.message, ExitCode.config);
  if (config.kind === 'none') return { name: 'config', status: 'ok', detail: `no config file (${config.path}): settings from flags and the environment` };
  if (config.mode !== undefined && (config.mode & 0o077) !== 0 && config.holdsToken) {
    return { name: 'config', status: 'warn', detail: `${config.path} holds a token and other users may read it (mode ${(config.mode & 0o777).toString(8)})`, hint: `chmod 600 ${config.path}` };
  }
  return { name: 'config', status: 'ok', detail: `${config.path}${config.mode === undefined ? '' : ` (mode ${(config.mode & 0o777).toString(8)})`}` };
}

function completionCheck(installed: readonly string[]): Check {
  if (installed.length) return { name: 'completion', status: 'ok', detail: `installed (${installed.join(', ')})` };
  return { name: 'completion', status: 'warn', detail: 'not installed', hint: 'oneoffice completion --help shows how' };
}

/** The token's shape only; nothing of it is ever printed. */
function tokenCheck(target: TargetFacts): Check {
  const { token, tokenFrom } = target;
  const from = `from ${tokenFrom}`;
  if (/^bearer\s/i.test(token) || /^["']|["']$/.test(token)) return { name: 'token', status: 'warn', detail: `${from}: it starts with "Bearer" or a quote; the API takes the token alone in x-api-key`, hint: 'keep only the token itself' };
  if (!/^[\x21-\x7e]+$/.test(token)) return fail('token', `${from}: it holds spaces, line breaks or other characters a header cannot carry`, ExitCode.config, 'copy the token again, without quotes or a trailing newline');
  if (token.length < SHORT_TOKEN) return { name: 'token', status: 'warn', detail: `${from}: ${token.length} characters, shorter than API tokens are: is it cut off?` };
  return { name: 'token', status: 'ok', detail: `${from}: ${token.length} characters` };
}

function proxyCheck(facts: Facts): Check {
  const { proxy, from, bypassedBy, bypassed } = facts.proxy;
  if (proxy) return { name: 'proxy', status: 'ok', detail: `${maskedUrl(proxy)} (from ${from ?? 'settings'})` };
  if (bypassedBy) return { name: 'proxy', status: 'ok', detail: `none: ${bypassedBy} matches the host, so ${bypassed ?? 'the proxy variable'} is not used` };
  return { name: 'proxy', status: 'ok', detail: 'none' };
}

function probeChecks(facts: Facts, target: TargetFacts, probe: ProbeFacts, now: number): Check[] {
  const checks: Check[] = [];
  const secure = target.url.protocol === 'https:';
  const { execution } = probe;
  const error = execution.kind === 'error' ? execution.error : undefined;
  const code = isOneOfficeError(error) ? error.code : undefined;
  const message = isOneOfficeError(error) ? error.message : error === undefined ? '' : `unexpected error: ${String((error as Error)?.message ?? error)}`;
  const exit = isOneOfficeError(error) ? error.exitCode : ExitCode.unexpected;
  const via = facts.proxy.proxy ? ` through the proxy ${maskedUrl(facts.proxy.proxy)}` : '';

  if (!probe.tcp && (error === undefined || !code?.startsWith('E_TLS'))) {
    if (error !== undefined) {
      const hint = code === 'E_CONNREFUSED' ? 'is the server running, and the URL\'s port right?' : code?.startsWith('E_PROXY') ? 'check the proxy (--proxy, $HTTPS_PROXY) or $NO_PROXY' : 'check the URL, a firewall, or --connect-timeout';
      return [fail('connect', message, exit, hint), ...skipped(['tls', 'auth', 'clock', 'answer'])];
    }
  }
  checks.push({ name: 'connect', status: 'ok', detail: probe.address ? `${probe.address}:${probe.port ?? ''}${via}` : `connected${via}` });

  if (!secure) checks.push({ name: 'tls', status: 'skip', detail: 'plain http:// (loopback only)' });
  else if (code?.startsWith('E_TLS')) return [...checks, fail('tls', message, exit, tlsHint(code, facts)), ...skipped(['auth', 'clock', 'answer'])];
  else checks.push(tlsCheck(facts, probe, now));

  if (error !== undefined) return [...checks, fail('auth', `no answer: ${message}`, exit, exit === ExitCode.timeout ? 'raise --max-time, or check the server' : undefined), ...skipped(['clock', 'answer'])];
  if (execution.kind !== 'answer') return checks;
  const { answer } = execution;
  const status = execution.head.status;
  if (status === 401 || status === 403) {
    checks.push(fail('auth', `token refused: ${answer.kind === 'failed' ? answer.message : status}`, ExitCode.http4xx, 'check the token and where it comes from (oneoffice config set bearer, $ONEOFFICE_BEARER)'));
  } else if (answer.kind === 'failed' && status >= 300 && status < 400) {
    checks.push(fail('auth', answer.message, answer.exitCode, 'check the URL: the API does not redirect'));
  } else if (status >= 500) {
    checks.push(fail('auth', `not known: ${answer.kind === 'failed' ? answer.message : status}`, ExitCode.http5xx, 'the server failed; try again later'));
  } else if (status >= 400) {
    checks.push({ name: 'auth', status: 'ok', detail: `token accepted (the test user is unknown, as expected: ${status})` });
  } else {
    checks.push({ name: 'auth', status: 'ok', detail: `token accepted (${status})` });
  }
  checks.push(clockCheck(probe, now));
  if (status === 401 || status === 403) return [...checks, { name: 'answer', status: 'skip', detail: 'the token was refused' }];
  const shape = probe.shapeProblems;
  const timing = probe.roundTripMs === undefined ? '' : `round trip ${Math.round(probe.roundTripMs)} ms; `;
  checks.push(shape.length ? { name: 'answer', status: 'warn', detail: `${timing}differs from the docs: ${shape.join('; ')}`, hint: 'oneoffice mock --upstream <url> reports every such drift' } : { name: 'answer', status: 'ok', detail: `${timing}as documented` });
  return checks;
}

function tlsCheck(facts: Facts, probe: ProbeFacts, now: number): Check {
  const tls = probe.tls;
  const using = [facts.tls.cacert ? `--cacert ${facts.tls.cacert}` : '', facts.tls.clientCert ? `client certificate ${facts.tls.clientCert}` : ''].filter(Boolean).join(', ');
  if (!tls) return { name: 'tls', status: facts.tls.insecure ? 'warn' : 'ok', detail: `${facts.tls.insecure ? 'certificate not checked (-k)' : 'verified'}${using ? `; ${using}` : ''}` };
  const expires = Date.parse(tls.validTo);
  const days = Number.isNaN(expires) ? undefined : Math.floor((expires - now) / DAY_MS);
  const parts = [tls.protocol, `certificate ${tls.subject}`, `issued by ${tls.issuer}`, days === undefined ? `valid to ${tls.validTo}` : days < 0 ? `expired ${plural(-days, 'day')} ago` : `expires in ${plural(days, 'day')}`];
  if (using) parts.push(using);
  const detail = parts.join(', ');
  if (facts.tls.insecure) return { name: 'tls', status: 'warn', detail: `${detail}; not checked (-k)`, hint: 'drop -k, and trust the server with --cacert' };
  if (days !== undefined && days < CERT_WARN_DAYS) return { name: 'tls', status: 'warn', detail, hint: 'the certificate must be renewed soon' };
  return { name: 'tls', status: 'ok', detail };
}

function tlsHint(code: string, facts: Facts): string | undefined {
  switch (code) {
    case 'E_TLS_UNTRUSTED': return facts.tls.cacert ? `the server's certificate is not signed by ${facts.tls.cacert}` : 'trust its CA with --cacert <file>';
    case 'E_TLS_EXPIRED': return 'the server\'s certificate must be renewed (its owner\'s job); -k skips the check (unsafe)';
    case 'E_TLS_HOSTNAME': return 'use the host name the certificate is for';
    case 'E_TLS_NOT_TLS': return 'use http://, or the https port';
    default: return undefined;
  }
}

function clockCheck(probe: ProbeFacts, now: number): Check {
  const date = probe.date === undefined ? Number.NaN : Date.parse(probe.date);
  if (Number.isNaN(date)) return { name: 'clock', status: 'skip', detail: 'the server sent no Date header' };
  // The Date header has whole seconds, and was made before the answer travelled here.
  const skewS = Math.round((date - now) / 1000);
  if (Math.abs(skewS) <= CLOCK_WARN_S) return { name: 'clock', status: 'ok', detail: `the server's clock and ours agree (within ${CLOCK_WARN_S} s)` };
  return { name: 'clock', status: 'warn', detail: `the server's clock is ${Math.abs(skewS)} s ${skewS > 0 ? 'ahead of' : 'behind'} ours`, hint: 'check this machine\'s time (NTP)' };
}

function fail(name: string, detail: string, exitCode: ExitCodeValue, hint?: string): Check {
  return { name, status: 'fail', detail, exitCode, ...(hint ? { hint } : {}) };
}

function skipped(names: readonly string[]): Check[] {
  return names.map((name) => ({ name, status: 'skip' as const, detail: 'not reached' }));
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
