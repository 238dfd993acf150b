// What --curl needs besides the call: the shell to print for, and where the printed command should
// read the token, which is where this run found it (so the command works in the same environment).
import type { Context } from '../context.js';
import { UsageError } from '../../api/errors.js';
import { defaultDialect, SHELL_DIALECTS, type ShellDialect } from '../../output/quote.js';
import { DEFAULT_TOKEN_SOURCE, type TokenSource } from '../../output/to-curl.js';

export function curlDialect(ctx: Context, option: unknown): ShellDialect {
  if (option === true) return defaultDialect(ctx.platform(), ctx.deps.env);
  if (SHELL_DIALECTS.includes(option as ShellDialect)) return option as ShellDialect;
  throw new UsageError(`--curl: must be sh, powershell or cmd (got ${JSON.stringify(option)})`, 'E_USAGE');
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
