// `mkdir -p` that always ends. Node 20's mkdirSync(path, { recursive: true }) loops forever, at full
// CPU, where mkdir answers ENOENT under a folder that exists (/proc and /sys do: HOME=/proc, a
// `--report junit:/proc/x/r.xml`): the cache folder, the config file's folder and a report's folder
// are made here instead, each missing folder once, from the top.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Makes `path` and any missing folder above it (each with `mode`, if given); throws as mkdir does. */
export function makeDirs(path: string, mode?: number): void {
  const options = mode === undefined ? undefined : { mode };
  const missing: string[] = [];
  for (let dir = resolve(path); ; ) {
    try {
      mkdirSync(dir, options);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(dir).isDirectory()) break;
      const parent = dirname(dir);
      if (code !== 'ENOENT' || parent === dir) throw error;
      missing.push(dir);
      dir = parent;
    }
  }
  // Each missing folder from the top; one that cannot be made (ENOENT again under /proc) throws.
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir, options);
    } catch (error) {
      if (!((error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory())) throw error;
    }
  }
}
