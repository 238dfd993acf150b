// Where a command's calls go and with which token, from its parsed flags: the same for single
// calls and batches, including the warnings and refusals that protect the token, and the secrets
// the calls carry, masked from here on wherever they come back.
import type { ParsedArgs } from '../../options/args.js';
import type { Context } from '../context.js';
import { requireKnownProfile } from '../../config/profiles.js';
import { refuseInsecureHttp, resolveTarget, type Target } from '../../config/target.js';
import { FLAG_NAMES } from '../../options/network-flags.js';
import { sentCredentials } from '../../api/mask.js';
import type { HeaderEdit } from '../../api/header-lines.js';
import { possibleProxies } from '../../http/proxy.js';

/** `headers`: the command's -H lines, read with its other flags. */
export function targetFromArgs(ctx: Context, parsed: ParsedArgs, headers: readonly HeaderEdit[], options = { requireToken: true }): Target {
  requireKnownProfile(ctx.config());
  const flags: { url?: string; bearer?: string } = {};
  if (typeof parsed.options['url'] === 'string') flags.url = parsed.options['url'];
  if (typeof parsed.options['bearer'] === 'string') {
    flags.bearer = parsed.options['bearer'];
    ctx.addSecret(flags.bearer);
    ctx.warn('a token given with --bearer is visible to other local users (ps); prefer $ONEOFFICE_BEARER or "oneoffice config set bearer"');
  }
  const target = resolveTarget(flags, ctx.deps.env, ctx.config(), FLAG_NAMES, options);
  ctx.addSecret(target.token);
  // A key given with -H, a proxy's password: sent as the token is, so masked as it is when a server or a proxy quotes them.
  const proxy = parsed.options['proxy'];
  for (const secret of sentCredentials(headers, possibleProxies(ctx.deps.env, [typeof proxy === 'string' ? proxy : undefined, ctx.config().profile.proxy]))) ctx.addSecret(secret);
  refuseInsecureHttp(target.url, parsed.options['allow-insecure-http'] === true, FLAG_NAMES);
  // curl would send them as Basic authentication; the API takes its token in x-api-key, and nothing else is sent.
  if (target.url.username !== '' || target.url.password !== '') {
    ctx.warn(`the URL's user name and password (from ${target.urlFrom}) are not sent: the API takes its token in x-api-key`);
  }
  return target;
}
