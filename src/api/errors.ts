// One error base with a stable code and the exit code it maps to (modelled on got's errors.ts).
// Messages never contain credentials: callers pass masked values only.

export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  config: 3,
  http4xx: 4,
  http5xx: 5,
  network: 6,
  timeout: 7,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class OneOfficeError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  constructor(message: string, code: string, exitCode: ExitCodeValue, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/**
 * Whether this is one of our errors, by shape: lazily loaded parts of the CLI may be bundled with
 * their own copy of this module, so `instanceof` alone could miss one.
 */
export function isOneOfficeError(error: unknown): error is OneOfficeError & { problems?: string[] } {
  if (error instanceof OneOfficeError) return true;
  const candidate = error as { code?: unknown; exitCode?: unknown } | null;
  return error instanceof Error && typeof candidate?.code === 'string' && typeof candidate.exitCode === 'number' && candidate.code.startsWith('E_');
}

/** Bad flags or arguments; nothing was sent. */
export class UsageError extends OneOfficeError {
  constructor(message: string, code = 'E_USAGE') {
    super(message, code, ExitCode.usage);
  }
}

/** Params that fail the method's schema; nothing was sent. One message per problem. */
export class ValidationError extends OneOfficeError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'), 'E_VALIDATION', ExitCode.usage);
    this.problems = problems;
  }
}

/** Missing URL or token, unreadable config file or schema directory. */
export class ConfigError extends OneOfficeError {
  constructor(message: string, code = 'E_CONFIG', options?: { cause?: unknown }) {
    super(message, code, ExitCode.config, options);
  }
}

/** The server answered with a non-2xx status. `serverMessage` is its JSON string body, when it sent one. */
export class HttpError extends OneOfficeError {
  readonly status: number;
  readonly serverMessage: string | undefined;
  constructor(status: number, statusText: string, serverMessage: string | undefined) {
    const detail = serverMessage === undefined ? '' : `: ${serverMessage}`;
    super(
      `server answered ${status} ${statusText}${detail}`,
      status >= 500 ? 'E_HTTP_5XX' : 'E_HTTP_4XX',
      status >= 500 ? ExitCode.http5xx : ExitCode.http4xx,
    );
    this.status = status;
    this.serverMessage = serverMessage;
  }
}

/** DNS failure, refused or reset connection, TLS failure. */
export class NetworkError extends OneOfficeError {
  constructor(message: string, code = 'E_NETWORK', options?: { cause?: unknown }) {
    super(message, code, ExitCode.network, options);
  }
}

export class TimeoutError extends OneOfficeError {
  constructor(message: string, code = 'E_TIMEOUT', options?: { cause?: unknown }) {
    super(message, code, ExitCode.timeout, options);
  }
}

export const exitCodeHelp = `Exit codes:
  0  success (the server answered 2xx)
  1  unexpected error
  2  usage or validation error (nothing was sent)
  3  configuration error (no URL or token, unreadable config or schema)
  4  the server answered 4xx
  5  the server answered 5xx
  6  network error (DNS, refused, reset, TLS)
  7  timed out`;
