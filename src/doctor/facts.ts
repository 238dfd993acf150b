// What `oneoffice doctor` found out, as data: gathered by doctor/gather.ts (the only part that does
// I/O), judged by doctor/checks.ts (pure), printed by doctor/print.ts (pure).
import type { OneOfficeError } from '../api/errors.js';
import type { Execution } from '../client/executor.js';
import type { TlsInfo } from '../http/exchange.js';

export interface Facts {
  /** process.versions.node. */
  node: string;
  config: ConfigFacts;
  /** Where a completion script is installed (paths, ~ for home); empty when nowhere. */
  completion: string[];
  /** The URL and token, and where each came from; or why there are none. */
  target: TargetFacts | { error: OneOfficeError };
  /** The connection settings could not be resolved (a --cacert that cannot be read, ...). */
  networkError?: OneOfficeError;
  proxy: ProxyFacts;
  /** --cacert, -k and the client certificate in use. */
  tls: { cacert?: string; insecure: boolean; clientCert?: string };
  dns?: DnsFacts;
  probe?: ProbeFacts;
}

export type ConfigFacts =
  | { kind: 'none'; path: string }
  | { kind: 'file'; path: string; /** Permission bits; undefined on Windows. */ mode?: number; holdsToken: boolean }
  | { kind: 'error'; error: OneOfficeError };

export interface TargetFacts {
  url: URL;
  urlFrom: string;
  tokenFrom: string;
  /** Only its shape is looked at and nothing of it is printed. */
  token: string;
}

export interface ProxyFacts {
  proxy?: URL;
  /** `--proxy` or `$HTTPS_PROXY`... */
  from?: string;
  /** A proxy variable is set but NO_PROXY matches the host: `$NO_PROXY`. */
  bypassedBy?: string;
  /** The proxy variable NO_PROXY turned off. */
  bypassed?: string;
}

export type DnsFacts =
  | { host: string; kind: 'ip' }
  | { host: string; kind: 'resolved'; addresses: string[]; viaProxy: boolean }
  | { host: string; kind: 'failed'; code: string; viaProxy: boolean };

export interface ProbeFacts {
  /** The TCP connection was made (to the server, or the proxy). */
  tcp: boolean;
  /** The address connected to, and the port. */
  address?: string;
  port?: number;
  tls?: TlsInfo;
  execution: Execution;
  /** The answer's Date header, if any. */
  date?: string;
  /** Round-trip of the probe call, in milliseconds. */
  roundTripMs?: number;
  /** How the answer differs from the method's documented answer (answerProblems). */
  shapeProblems: string[];
}

/** The harmless read the doctor makes: an address of a reserved domain (RFC 2606), which no user has. */
export const PROBE_METHOD = 'getUserByEmail';
export const PROBE_EMAIL = 'oneoffice-doctor@example.invalid';
