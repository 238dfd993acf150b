'use strict';
// Preloaded with --require: appends each V8 flag the process sets (v8.setFlagsFromString) to the
// file $TRACE_V8_FLAGS, one a line, so a test sees which code of ours changes the engine's flags.
const v8 = require('node:v8');
const { appendFileSync } = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');

const setFlags = v8.setFlagsFromString;
v8.setFlagsFromString = (flag) => {
  appendFileSync(process.env.TRACE_V8_FLAGS, `${flag}\n`);
  return setFlags(flag);
};
// `import { setFlagsFromString } from 'node:v8'` sees the traced one too.
syncBuiltinESMExports();
