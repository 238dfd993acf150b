// The config file a test's CLI reads and writes, in one place (four test files had their own copy of
// its path): where it is for an isolated environment, what it holds, and writing one by hand. The path
// is spelled out here rather than taken from src/config/paths.ts, so a test of `config path` checks
// the code instead of repeating it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** What a config file holds, as far as tests look into it. */
export interface ConfigContent {
  defaultProfile?: string;
  profiles?: Record<string, Record<string, string>>;
}

/** The config file of an environment made by isolatedEnv(): XDG's on Linux and macOS, %APPDATA%'s on Windows. */
export function configPath(env: Env): string {
  if (process.platform === 'win32') return join(required(env, 'APPDATA'), 'oneoffice', 'Config', 'config.json');
  return join(required(env, 'XDG_CONFIG_HOME'), 'oneoffice', 'config.json');
}

/** The config file of `env`, parsed. */
export function readConfig(env: Env): ConfigContent {
  return JSON.parse(readFileSync(configPath(env), 'utf8')) as ConfigContent;
}

/** Writes `content` (an object as JSON, a string as is) as the config file of `env`; its path. */
export function writeConfig(env: Env, content: ConfigContent | string): string {
  const path = configPath(env);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
  return path;
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`configPath: the environment has no ${name} (make it with isolatedEnv())`);
  return value;
}
