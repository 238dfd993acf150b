// Issue 13, items 7 and 15, as processes: parallel `config set`s (each its own process, sharing the
// file's lock) all keep their change, and a relative --cacert is made absolute from the working
// directory. Unknown profiles and the checks of stored values run in this process:
// test/unit/config-profiles.test.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { useRecordingServer } from '../helpers/server.js';
import { readConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/temp.js';

const rec = useRecordingServer(() => isolatedEnv());
const saved = () => readConfig(rec.env);
const cli = (...args: string[]) => runCli(args, { env: rec.env });

describe('item 7: concurrent config set', () => {
  it('20 parallel "--profile pN config set url" all exit 0 and all 20 are kept', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => runCli(['--profile', `p${i}`, 'config', 'set', 'url', `https://p${i}.example/api`], { env: rec.env, timeoutMs: 60000 })));
    expect(results.map((result) => result.code)).toEqual(Array.from({ length: 20 }, () => 0));
    const profiles = saved().profiles ?? {};
    expect(Object.keys(profiles).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`).sort());
    for (let i = 0; i < 20; i++) expect(profiles[`p${i}`]).toEqual({ url: `https://p${i}.example/api` });
  }, 90000);
});

describe('item 15: values are checked when set', () => {
  it('good values are stored (a relative --cacert path made absolute)', async () => {
    expect((await cli('config', 'set', 'max-time', '12.5')).code).toBe(0);
    expect((await cli('config', 'set', 'retry', '3')).code).toBe(0);
    const dir = tempDir('cacert');
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect((await runCli(['config', 'set', 'cacert', 'ca.pem'], { env: rec.env, cwd: dir })).code).toBe(0);
    expect(saved().profiles?.['default']).toEqual({ 'max-time': '12.5', retry: '3', cacert: join(dir, 'ca.pem') });
  });
});
