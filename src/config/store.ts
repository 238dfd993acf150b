// Writes to the config file go through `conf` (atomic writes, file mode 0600). Loaded lazily:
// only `oneoffice config` needs it.
import { basename, dirname, extname } from 'node:path';
import Conf from 'conf';
import { readJson } from '../api/json.js';
import { ConfigError } from '../api/errors.js';
import type { ConfigData } from './file.js';

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
