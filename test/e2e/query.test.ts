// `oneoffice mock --ready-file`, a file the mock process writes and removes. --query on single calls
// runs in this process: test/unit/query-flag.test.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMockProcess } from '../helpers/mock-process.js';
import { tempDir } from '../helpers/temp.js';

let counter = 0;

describe('oneoffice mock --ready-file', () => {
  it('writes the export line (mode 0600) once it listens, and removes it when stopped', async () => {
    const ready = join(tempDir('ready'), `ready-${++counter}.env`);
    const started = await startMockProcess(['--port', '0', '--quiet', '--ready-file', ready]);
    // The startup line is printed after the file is written.
    expect(readFileSync(ready, 'utf8')).toBe(`${started.startLine}\n`);
    expect(statSync(ready).mode & 0o777).toBe(0o600);
    expect(await started.stop()).toBe(0);
    expect(existsSync(ready)).toBe(false);
  });
});
