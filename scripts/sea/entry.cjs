'use strict';
// The start of oneoffice's single executable (scripts/package.mjs puts dist/cli/cli.cjs right after
// it). A single executable's `require` knows only Node's own modules, so the CLI's lazy parts and
// validators are the executable's assets, compiled when first required, as dist/cli/*.cjs are from
// disk by the npm-installed tool: a call loads no more than it does there.
const sea = require('node:sea');
const { compileFunction } = require('node:vm');

const seaModules = new Map();

/** `require` for the code in `dir` (of dist/cli): our parts from the assets, the rest from Node. */
function seaRequireFrom(dir) {
  return (id) => {
    if (id.startsWith('./')) return seaLoad((dir ? `${dir}/` : '') + id.slice(2));
    if (id === 'fs-native-extensions') return seaLoad('fs-native-extensions.cjs');
    return require(id);
  };
}

function seaLoad(name) {
  const known = seaModules.get(name);
  if (known) return known.exports;
  const module = { exports: {} };
  seaModules.set(name, module);
  const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
  const code = sea.getAsset(name, 'utf8');
  const body = compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: `oneoffice:${name}` });
  body.call(module.exports, module.exports, seaRequireFrom(dir), module, name, dir);
  return module.exports;
}

const seaCore = { exports: {} };
seaModules.set('cli.cjs', seaCore);
