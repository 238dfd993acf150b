// --curl[=sh|powershell|cmd]: prints the call as a curl command for the user's shell, with the
// warnings that go with it. Loaded only when --curl is given. The command reads the token from
// where this run found it, so it works in the same environment.
import { hasPath } from '../../api/params.js';
import type { CallRequest } from '../../api/request.js';
import { defaultDialect, type ShellDialect } from '../../output/quote.js';
import { DEFAULT_TOKEN_SOURCE, maskedCurlHeaders, toCurl, type CurlOptions, type TokenSource } from '../../output/to-curl.js';
import type { Context } from '../context.js';

/** `option`: true for a bare --curl, else the shell named (already checked by the caller). */
export function printCurl(ctx: Context, call: CallRequest, options: Omit<CurlOptions, 'dialect' | 'token'> & { tokenValue: string }, option: unknown): void {
  const dialect = option === true ? defaultDialect(ctx.platform(), ctx.deps.env) : (option as ShellDialect);
  const curlOptions: CurlOptions = { ...options, dialect, token: curlTokenSource(ctx, options.tokenValue) };
  if (!options.showSecrets && call.secretPaths.some((path) => hasPath(call.params, path))) {
    ctx.warn('secret params are masked in this command; add --show-secrets to print a command that sends them');
  }
  const masked = maskedCurlHeaders(call, curlOptions);
  if (masked.length) ctx.warn(`${masked.join(', ')} ${masked.length === 1 ? 'is' : 'are'} masked in this command; add --show-secrets to print a command that sends ${masked.length === 1 ? 'it' : 'them'}`);
  if (dialect === 'powershell' && call.headers.some(([, value]) => value.includes('"'))) {
    ctx.warn('a header value holds a double quote: Windows PowerShell 5.1 passes it to curl.exe wrongly (PowerShell 7.3 or later is right)');
  }
  ctx.deps.stdout.write(`${toCurl(call, curlOptions)}\n`);
}

/**
 * The variable that holds the token, or the command that reads it from the config file. A token
 * typed with --bearer is in no variable: the command reads ONEOFFICE_BEARER, and a warning says so.
 */
export function curlTokenSource(ctx: Context, token: string): TokenSource {
  if (token === '') return DEFAULT_TOKEN_SOURCE;
  const env = ctx.deps.env;
  for (const variable of ['ONEOFFICE_BEARER', 'BEARER']) if (env[variable] === token) return { variable };
  const config = ctx.config();
  if (config.profile.bearer === token) {
    const file = ctx.globals.config || env['ONEOFFICE_CONFIG'] ? ['--config', config.path] : [];
    const profile = ctx.globals.profile || env['ONEOFFICE_PROFILE'] ? ['--profile', config.profileName] : [];
    return { command: [...file, ...profile, 'config', 'get', 'bearer', '--show-secrets'] };
  }
  ctx.warn('the token was given with --bearer, so the printed command reads it from ONEOFFICE_BEARER: set that variable before running it');
  return DEFAULT_TOKEN_SOURCE;
}
