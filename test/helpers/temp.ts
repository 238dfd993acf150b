// Temporary directories for tests, in one place: the global setup points TMPDIR at one directory
// per run and removes it at the end, so nothing here needs cleaning up and runs leave nothing in /tmp.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty directory named `oneoffice-<prefix>-XXXXXX` under the run's temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `oneoffice-${prefix}-`));
}

/** A file `name` holding `content`, alone in a new temporary directory; its path. */
export function tempFile(prefix: string, name: string, content: string | Uint8Array): string {
  const path = join(tempDir(prefix), name);
  writeFileSync(path, content);
  return path;
}
