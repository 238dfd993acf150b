// Preloaded with --require: writes into $TRACE_REQUIRES_FILE, at exit, each of Node's own modules
// that code asked require() for after this preload, so a test can hold a start to taking them from
// process.getBuiltinModule (require()'s functions are compiled from source on their first use).
'use strict';
const Module = require('node:module');
const { writeFileSync } = require('node:fs');
const requests = [];
const original = Module.prototype.require;
Module.prototype.require = function (request) {
  if (Module.isBuiltin(request)) requests.push(request);
  return original.call(this, request);
};
process.on('exit', () => writeFileSync(process.env.TRACE_REQUIRES_FILE, requests.join('\n')));
