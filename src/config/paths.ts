// Paths the way each platform has them: the config file's home (XDG on Linux and macOS, %APPDATA% on
// Windows, where `conf` would put it too), and a leading `~` in a path flag, which cmd.exe and
// PowerShell pass on as typed where a POSIX shell would have expanded it.
import { posix, win32 } from 'node:path';
import type { Env } from './file.js';

export function homeDir(env: Env, platform: NodeJS.Platform): string {
  // node:os only when the environment has no home: every start reads this, and loading it costs.
  return (platform === 'win32' ? env['USERPROFILE'] : env['HOME']) || process.getBuiltinModule('node:os').homedir();
}

export function defaultConfigPath(env: Env, platform: NodeJS.Platform): string {
  if (platform === 'win32') {
    const appData = env['APPDATA'] || win32.join(homeDir(env, platform), 'AppData', 'Roaming');
    return win32.join(appData, 'oneoffice', 'Config', 'config.json');
  }
  const base = env['XDG_CONFIG_HOME'] || posix.join(homeDir(env, platform), '.config');
  return posix.join(base, 'oneoffice', 'config.json');
}

/** `~`, `~/x` (and `~\x` on Windows) under the home directory; anything else (`~user`, `a/~`) as given. */
export function expandHome(path: string, env: Env, platform: NodeJS.Platform): string {
  const separators = platform === 'win32' ? ['/', '\\'] : ['/'];
  if (path !== '~' && !(path.startsWith('~') && separators.includes(path[1] as string))) return path;
  const join = platform === 'win32' ? win32.join : posix.join;
  return path === '~' ? homeDir(env, platform) : join(homeDir(env, platform), path.slice(2));
}
