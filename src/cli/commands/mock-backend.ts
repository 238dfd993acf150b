// What answers `oneoffice mock`'s calls when not its own methods: the real API (--upstream, with
// --record) or a recording (--replay). Loaded only with those flags, so a plain mock starts as fast.
import type { Context } from '../context.js';
import { requireKnownProfile } from '../../config/profiles.js';
import { parseUrl, refuseInsecureHttp, resolveTarget } from '../../config/target.js';
import { resolveNetwork } from '../../config/network.js';
import { FLAG_NAMES, readNetworkFlags } from '../../options/network-flags.js';
import { unlockClientKey } from '../unlock-key.js';
import { sentCredentials } from '../../api/mask.js';
import type { MockBackend } from '../../mock/server.js';

export interface BackendOptions {
  upstream?: string;
  record?: string;
  replay?: string;
  replayMatch?: string;
  state?: string;
  /** The connection flags (--proxy, --cacert, ...), keyed as a call's are: `pass-env`. */
  connection: Record<string, string | true>;
}

/** Every combination that cannot work, at once. */
export function backendProblems(options: BackendOptions): string[] {
  const problems: string[] = [];
  if (options.record !== undefined && options.upstream === undefined) problems.push('mock: --record needs --upstream <url> (it records the real API\'s answers)');
  if (options.replay !== undefined && options.upstream !== undefined) problems.push('mock: --replay and --upstream exclude each other (answers come from the recording or from the real API)');
  if ((options.replay !== undefined || options.upstream !== undefined) && options.state !== undefined) problems.push(`mock: --state keeps the mock's own data; it does not apply with ${options.replay !== undefined ? '--replay' : '--upstream'}`);
  if (options.replayMatch !== undefined && options.replay === undefined) problems.push('mock: --replay-match needs --replay <file>');
  if (options.replayMatch !== undefined && !/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*(,[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*)*$/.test(options.replayMatch)) {
    problems.push('mock: --replay-match must be param names separated by commas, e.g. email or admin.email,id');
  }
  const connection = Object.keys(options.connection);
  if (connection.length && options.upstream === undefined) problems.push(`mock: --${connection[0]} is for reaching --upstream <url>; give that too`);
  problems.push(...readNetworkFlags(options.connection).problems);
  return problems;
}

export async function mockBackend(ctx: Context, options: BackendOptions, report: (line: string) => void): Promise<MockBackend | undefined> {
  if (options.replay !== undefined) {
    const { replayBackend } = await import('../../mock/replay.js');
    const match = options.replayMatch?.split(',').map((path) => path.split('.'));
    return replayBackend({ path: options.replay, registry: ctx.registry(), report, ...(match ? { match } : {}) });
  }
  if (options.upstream === undefined) return undefined;
  const url = parseUrl(options.upstream, 'flag --upstream');
  requireKnownProfile(ctx.config());
  // The upstream's token, from the usual settings; --upstream names only where it is.
  const target = resolveTarget({ url: url.href }, ctx.deps.env, ctx.config(), FLAG_NAMES);
  ctx.addSecret(target.token);
  refuseInsecureHttp(url, options.connection['allow-insecure-http'] === true, FLAG_NAMES);
  // The flags' problems were reported by backendProblems: here they are settings.
  const network = resolveNetwork(readNetworkFlags(options.connection).choices, FLAG_NAMES, ctx.config().profile, ctx.deps.env, url, false, ctx.platform());
  for (const secret of sentCredentials([], [network.proxy])) ctx.addSecret(secret);
  if (network.clientCert) await unlockClientKey(ctx, network.clientCert);
  const { Recording } = await import('../../mock/record.js');
  const recording = options.record === undefined ? undefined : await Recording.open(options.record);
  const { upstreamBackend } = await import('../../mock/upstream.js');
  return upstreamBackend({ url, token: target.token, network, registry: ctx.registry(), report, ...(recording ? { recording } : {}) });
}
