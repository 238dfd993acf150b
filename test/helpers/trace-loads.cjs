// Preloaded with --require: at exit, writes every file the process loaded through require() into
// $TRACE_LOADS_FILE, so a test can tell which bundles a command pulled in.
'use strict';
process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.TRACE_LOADS_FILE, Object.keys(require.cache).join('\n'));
});
