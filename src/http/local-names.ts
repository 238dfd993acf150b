// Names of this machine, `*.localhost`, are looked up as `localhost` (the hosts file), never asked of
// DNS by their own name: the token goes to them over plain http:// as to a loopback host
// (config/target.ts isLoopback), so a resolver answering `api.localhost` with another machine's
// address would have it sent there in clear. RFC 6761 reserves the names for loopback; curl and the
// browsers resolve them so too. Every transport connects through this lookup.
import type { LookupFunction } from 'node:net';

/** dns.lookup, but a `*.localhost` name is looked up as `localhost`. node:dns is fetched on a lookup only: a call to an address makes none. */
export const localNameLookup: LookupFunction = (hostname, options, callback) => {
  const name = hostname.toLowerCase().endsWith('.localhost') ? 'localhost' : hostname;
  process.getBuiltinModule('node:dns').lookup(name, options, callback);
};
