// Writes to the config file go through `conf` (atomic writes, file mode 0600). Loaded lazily:
// only `oneoffice config` needs it.
import { basename, dirname, extname } from 'node:path';
import Conf from 'conf';
import { readJson } from '../api/json.js';
import { ConfigError } from '../api/errors.js';
import { holderText, resolvedPath, waitLockFile } from '../files/lock.js';
import { makeDirs } from '../files/make-dirs.js';
import type { ConfigData } from './file.js';

/** How long a change waits for another one (a parallel `config set`) to finish. */
const LOCK_WAIT_MS = 10_000;

/**
 * Read, change and write the file as one step: under an exclusive lock on <file>.lock (of the file a
 * symbolic link leads to), the file is
 * read afresh, changed and written atomically, so that parallel `config set`s all keep their change.
 */
export async function updateConfig<T>(path: string, change: (store: Conf<ConfigData>) => T): Promise<T> {
  try {
    makeDirs(dirname(path), 0o700);
  } catch (error) {
    throw new ConfigError(`cannot write config file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'E_CONFIG_WRITE');
  }
  const attempt = await waitLockFile(path, LOCK_WAIT_MS);
  if (attempt.kind === 'busy') throw new ConfigError(`config file ${path} is being changed by ${holderText(attempt.pid)}; try again when it is done`, 'E_CONFIG_LOCKED');
  if (attempt.kind === 'error') throw new ConfigError(`cannot write config file ${path}: ${attempt.error.code ?? attempt.error.message}`, 'E_CONFIG_WRITE');
  try {
    // Written where the path leads: a config file reached through a symbolic link stays a link.
    return change(openStore(resolvedPath(path)));
  } finally {
    attempt.lock.release();
  }
}

export function openStore(path: string): Conf<ConfigData> {
  const extension = extname(path);
  try {
    return new Conf<ConfigData>({
      cwd: dirname(path),
      configName: basename(path, extension),
      fileExtension: extension.slice(1),
      projectSuffix: '',
      configFileMode: 0o600,
      // The one JSON reader, as config/file.ts reads it: a BOM (a Windows editor's) is no error, and a
      // syntax error never quotes the file, which holds tokens.
      deserialize: (text: string) => {
        const read = readJson(text);
        if (!read.ok) throw new Error(`not valid JSON: ${read.reason} at line ${read.line} column ${read.column}`);
        return read.value as ConfigData;
      },
    });
  } catch (error) {
    throw new ConfigError(`cannot open config file ${path}: ${(error as Error).message}`, 'E_CONFIG_READ', { cause: error });
  }
}
