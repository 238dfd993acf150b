// A Node without `_http_common`, made by a preload (NODE_OPTIONS --require) for the tests of the
// fallback to node:http: a single call's (call-wire) and `oneoffice test`'s kept connections'
// (scenario-wire-fallback). It also counts the requests node:http makes, into $COUNT_FILE at exit.

/** Loaded first (NODE_OPTIONS --require): `_http_common` is not to be had (require, process.getBuiltinModule), as on a Node without it; counts node:http's requests. */
export const NO_HTTP_COMMON = `'use strict';
const Module = require('node:module');
const load = Module._load;
let refused = false;
Module._load = function (request, ...rest) {
  if (request === '_http_common' || request === 'node:_http_common') {
    refused = true;
    throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
  }
  return load.call(this, request, ...rest);
};
const getBuiltin = process.getBuiltinModule;
process.getBuiltinModule = function (id) {
  if (id === '_http_common' || id === 'node:_http_common') {
    refused = true;
    return undefined;
  }
  return getBuiltin.call(this, id);
};
let requests = 0;
require('node:diagnostics_channel').channel('http.client.request.start').subscribe(() => requests++);
process.on('exit', () => require('node:fs').writeFileSync(process.env.COUNT_FILE, requests + ' requests, _http_common ' + (refused ? 'refused' : 'never asked for')));
`;
