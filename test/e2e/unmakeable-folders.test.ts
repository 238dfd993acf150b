// Folders that cannot be made under one that exists (/proc answers mkdir with ENOENT): Node 20's
// recursive mkdirSync loops there forever at full CPU. The code cache, the config file and a report
// each make their folder with files/make-dirs.ts, so these end: the cache costs only itself, the
// others are one line naming what could not be written.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from '../../src/files/make-dirs.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const hasProc = process.platform === 'linux' && existsSync('/proc/self');

describe.runIf(hasProc)('a folder that cannot be made under one that exists', () => {
  it('costs a --help only its code cache when the cache folder would be under /proc', async () => {
    const result = await runCli(['--help'], { env: isolatedEnv({ HOME: '/proc', XDG_CACHE_HOME: '/proc/oneoffice-cache' }) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: oneoffice');
    expect(result.stderr).toBe('');
  });

  it('is one line naming the config file when config set cannot make its folder, exit 3', async () => {
    const result = await runCli(['config', 'set', 'url', 'https://api.example.com'], { env: isolatedEnv({ XDG_CONFIG_HOME: '/proc/oneoffice-config' }) });
    expect(result).toEqual({ code: 3, stdout: '', stderr: 'oneoffice: cannot write config file /proc/oneoffice-config/oneoffice/config.json: ENOENT\n' });
  });

  it('is one line naming the report when its folder cannot be made, exit 2, nothing sent', async () => {
    const dir = tempDir('unmakeable');
    const scenario = join(dir, 'steps.yml');
    writeFileSync(scenario, 'steps:\n  - call: getUserByEmail\n    params: { email: a@example.com }\n');
    const result = await runCli(['test', scenario, '--url', 'http://127.0.0.1:1/', '--bearer', 'x', '--report', 'junit:/proc/oneoffice-reports/r.xml']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oneoffice: --report junit:/proc/oneoffice-reports/r.xml: cannot write it (ENOENT)\noneoffice: 1 problem; nothing was sent\n',
    });
  });

  it('makeDirs throws ENOENT there instead of looping', () => {
    expect(() => makeDirs('/proc/oneoffice-a/b/c', 0o700)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});

describe('makeDirs', () => {
  it('makes every missing folder with the mode given and accepts one that exists', () => {
    const root = tempDir('makedirs');
    const deep = join(root, 'a', 'b', 'c');
    makeDirs(deep, 0o700);
    makeDirs(deep, 0o700);
    expect(statSync(deep).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'a')).mode & 0o777).toBe(0o700);
  });

  it('throws when a file stands where a folder should be', () => {
    const root = tempDir('makedirs');
    writeFileSync(join(root, 'file'), '');
    expect(() => makeDirs(join(root, 'file'))).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(() => makeDirs(join(root, 'file', 'below'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });
});
