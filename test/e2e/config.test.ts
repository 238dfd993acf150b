// Configuration as a process: a config file that cannot be read is a configuration error, exit 3
// through the real binary. The config command, profiles and which source wins run in this process:
// test/unit/config-command.test.ts.
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { useRecordingServer } from '../helpers/server.js';
import { tempFile } from '../helpers/temp.js';

const TOKEN = 'config-token-0123456789c0de';
const rec = useRecordingServer(() => isolatedEnv());

describe('oneoffice config', () => {
  it('reports an unreadable config file as a configuration error', async () => {
    const file = tempFile('cfg', 'broken.json', '{"profiles": ');
    const result = await runCli(['getUserByEmail', '--email', 'a@b.co', '--url', rec.server.url, '--bearer', TOKEN, '--config', file], { env: rec.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`^oneoffice: config file ${file} is not valid JSON: .+\\n$`));
    expect(rec.server.received).toHaveLength(0);
  });
});
