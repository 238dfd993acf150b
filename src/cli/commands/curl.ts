// --curl[=sh|powershell|cmd]: prints the call as a curl command for the user's shell, with the
// warnings that go with it. Loaded only when --curl is given. The command reads the token from
// where this run found it, so it works in the same environment.
import { hasPath } from '../../api/params.js';
import type { CallRequest } from '../../api/request.js';
import { defaultDialect, type ShellDialect } from '../../output/quote.js';
import { DEFAULT_TOKEN_SOURCE, maskedCurlHeaders, toCurl, type CurlOptions, type TokenSource } from '../../output/to-curl.js';
import type { Context } from '../context.js';
import type { TokenOrigin } from '../../config/target.js';

/** `option`: true for a bare --curl, else the shell named (already checked by the caller). */
/** `tokenOrigin`: where resolveTarget found the token (none: the command reads $ONEOFFICE_BEARER). */
export function printCurl(ctx: Context, call: CallRequest, options: Omit<CurlOptions, 'dialect' | 'token'> & { tokenValue: string; tokenOrigin: TokenOrigin | undefined }, option: unknown): void {
  const dialect = option === true ? defaultDialect(ctx.platform(), ctx.deps.env) : (option as ShellDialect);
  const { tokenOrigin, ...printing } = options;
  const curlOptions: CurlOptions = { ...printing, dialect, token: curlTokenSource(ctx, tokenOrigin) };
  if (!options.showSecrets && call.secretPaths.some((path) => hasPath(call.params, path))) {
    ctx.warn('secret params are masked in this command; add --show-secrets to print a command that sends them');
  }
  const masked = maskedCurlHeaders(call, curlOptions);
  if (masked.length) ctx.warn(`${masked.join(', ')} ${masked.length === 1 ? 'is' : 'are'} masked in this command; add --show-secrets to print a command that sends ${masked.length === 1 ? 'it' : 'them'}`);
  // A proxy from --proxy or the config is written into the command (curl reads one from the environment by itself).
  if (!options.showSecrets && options.network?.proxyFromFlag && options.network.proxy?.password) {
    ctx.warn("the proxy's password is masked in this command; add --show-secrets to print a command that sends it");
  }
  if (dialect === 'powershell' && call.headers.some(([, value]) => value.includes('"'))) {
    ctx.warn('a header value holds a double quote: Windows PowerShell 5.1 passes it to curl.exe wrongly (PowerShell 7.3 or later is right)');
  }
  ctx.deps.stdout.write(`${toCurl(call, curlOptions)}\n`);
}

/**
 * The variable that holds the token, or the command that reads it from the config file: where
 * resolveTarget found it (config/target.ts), not guessed from values. A token typed with --bearer is
 * in no variable: the command reads ONEOFFICE_BEARER, and a warning says so.
 */
export function curlTokenSource(ctx: Context, origin: TokenOrigin | undefined): TokenSource {
  switch (origin?.kind) {
    case undefined:
      return DEFAULT_TOKEN_SOURCE;
    case 'env':
      return { variable: origin.variable };
    case 'profile': {
      const env = ctx.deps.env;
      const config = ctx.config();
      const file = ctx.globals.config || env['ONEOFFICE_CONFIG'] ? ['--config', config.path] : [];
      const profile = ctx.globals.profile || env['ONEOFFICE_PROFILE'] ? ['--profile', config.profileName] : [];
      return { command: [...file, ...profile, 'config', 'get', 'bearer', '--show-secrets'] };
    }
    case 'flag':
      ctx.warn('the token was given with --bearer, so the printed command reads it from ONEOFFICE_BEARER: set that variable before running it');
      return DEFAULT_TOKEN_SOURCE;
  }
}
