// Where a command's calls go and with which token, from its parsed flags: the same for single
// calls and batches, including the warnings and refusals that protect the token.
import type { ParsedArgs } from '../../options/args.js';
import type { Context } from '../context.js';
import { requireKnownProfile } from '../../config/profiles.js';
import { refuseInsecureHttp, resolveTarget, type Target } from '../../config/target.js';
import { FLAG_NAMES } from '../../options/network-flags.js';

export function targetFromArgs(ctx: Context, parsed: ParsedArgs, options = { requireToken: true }): Target {
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
  refuseInsecureHttp(target.url, parsed.options['allow-insecure-http'] === true, FLAG_NAMES);
  return target;
}
