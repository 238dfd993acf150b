// Preloaded with --require: records every fs.fstatSync of a descriptor and fs.statSync of a path
// the process makes ("fstat 2", "stat /dev/null"), and writes them at exit into $TRACE_STATS_FILE,
// so a test can tell what a command looked at to decide how to write its output.
'use strict';
const fs = require('node:fs');
const seen = [];
const { fstatSync, statSync } = fs;
fs.fstatSync = function (fd, ...rest) {
  seen.push(`fstat ${fd}`);
  return fstatSync.call(this, fd, ...rest);
};
fs.statSync = function (path, ...rest) {
  seen.push(`stat ${path}`);
  return statSync.call(this, path, ...rest);
};
process.on('exit', () => fs.writeFileSync(process.env.TRACE_STATS_FILE, seen.join('\n')));
