// Writes to the config file go through `conf` (atomic writes, file mode 0600). Loaded lazily:
// only `oneoffice config` needs it.
import { basename, dirname, extname } from 'node:path';
import Conf from 'conf';
import { withoutBom } from '../api/text.js';
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
      // As the fast reader does (config/file.ts): a BOM from a Windows editor is not an error.
      deserialize: (text: string) => JSON.parse(withoutBom(text)) as ConfigData,
    });
  } catch (error) {
    throw new ConfigError(`cannot open config file ${path}: ${(error as Error).message}`, 'E_CONFIG_READ', { cause: error });
  }
}
