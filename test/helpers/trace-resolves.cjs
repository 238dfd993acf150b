// Preloaded with --require: writes into $TRACE_RESOLVES_FILE, at exit, each request require() had
// to resolve to a path (Node's own modules aside). Resolving a path reads package.json files, so a
// start that needs none can be held to resolving none.
'use strict';
const Module = require('node:module');
const requests = [];
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (!Module.isBuiltin(request)) requests.push(request);
  return resolve.call(this, request, ...rest);
};
process.on('exit', () => require('node:fs').writeFileSync(process.env.TRACE_RESOLVES_FILE, requests.join('\n')));
