// Preloaded with --require: at exit, writes every file the process loaded through require() into
// $TRACE_LOADS_FILE, then every Node built-in module it loaded (as "builtin:<name>"), so a test can
// tell which bundles and which parts of Node a command pulled in.
'use strict';
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => `builtin:${entry.slice('NativeModule '.length)}`);
  require('node:fs').writeFileSync(process.env.TRACE_LOADS_FILE, [...Object.keys(require.cache), ...builtins].join('\n'));
});
