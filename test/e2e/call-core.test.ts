// A method's command line loads the core built with the call command in it (dist/cli/cli-call.cjs),
// every other the plain core (cli.cjs): boot.cjs picks one by the first word only, for speed. Both
// must answer any command line alike, whichever the loader picks (a misspelt command, global flags
// before or after the method, user schemas, help, --): here each line runs through each core directly.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, ROOT } from '../helpers/cli.js';
import { spawnAsync } from '../helpers/spawn-async.js';
import { jsonResponder, useRecordingServer } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

const TOKEN = 'call-core-token-0123456789abcdef';
const rec = useRecordingServer((s) => isolatedEnv({ ONEOFFICE_URL: s.url, ONEOFFICE_BEARER: TOKEN }));

/** Runs `argv` through one core bundle, as bin's loader would once it picked it. */
function throughCore(core: 'cli.cjs' | 'cli-call.cjs', argv: readonly string[], env: Record<string, string>, cwd: string) {
  // With -e, argv[1] is the first word after `--` (the core), and the command line follows it, where runProcess reads it.
  const script = `require(require('node:path').join(${JSON.stringify(join(ROOT, 'dist', 'cli'))}, process.argv[1])).runProcess();`;
  return spawnAsync(process.execPath, ['-e', script, '--', core, ...argv], { env, cwd });
}

/** Command lines, and the exit code each core gives them (0 or 2 here: one that fails to load would be 1). */
const LINES: Array<[code: number, argv: string[]]> = [
  [0, ['createUser', '--email', 'a@b.example']],
  [0, ['createUser', '--email', 'a@b.example', '--dry-run']],
  [2, ['createUser', '--email', 'not-an-email', '-H', 'no colon']],
  [0, ['createUser', '--email', 'a@b.example', '--curl']],
  [0, ['createUser', '--help']],
  [2, ['createUser', '--', '--email', 'a@b.example']],
  [2, ['createUser', '--email', 'a@b.example', '--nope', '--debug']],
  [2, ['creatUser', '--email', 'a@b.example']],
  [2, ['tset', 'steps.yml']],
  [0, ['getUserByEmail', '--email', 'a@b.example', '-v', '--retry', '1']],
  [0, ['getUserByEmail', '--email', 'a@b.example', '-w', '%{http_code}\n']],
  [0, ['--schemas', 'schemas', 'myMethod', '--name', 'x', '--dry-run']],
  [0, ['myMethod', '--schemas', 'schemas', '--help']],
  [2, ['myMetod', '--schemas', 'schemas']],
  [2, ['createUser', '--profile', 'missing', '--email', 'a@b.example']],
  [2, ['--profile', 'missing', 'createUser', '--email', 'a@b.example']],
  [0, ['createUser', '--config', 'no-such-file.json', '--email', 'a@b.example', '--dry-run']],
  [0, ['call', 'createUser', '--params', '{"email":"c@b.example"}', '--dry-run']],
  [0, ['--help']],
  [0, ['-V']],
  [0, ['help', 'createUser']],
  [0, ['methods']],
];

describe('both cores answer a command line alike', () => {
  it.each(LINES.map(([code, argv]) => ({ code, argv })))('$argv: exit $code, the same output and calls from either core', async ({ code, argv }) => {
    const cwd = tempDir('call-core');
    writeFileSync(join(cwd, 'steps.yml'), 'steps:\n  - call: createUser\n    params: { email: s@b.example }\n');
    const schemas = join(cwd, 'schemas');
    mkdirSync(schemas);
    writeFileSync(join(schemas, 'myMethod.json'), JSON.stringify({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false }));
    rec.server.respond(jsonResponder(200, { ok: true }));
    const before = rec.server.received.length;
    const plain = await throughCore('cli.cjs', argv, rec.env, cwd);
    const sentByPlain = rec.server.received.slice(before).map(({ body }) => body);
    const call = await throughCore('cli-call.cjs', argv, rec.env, cwd);
    const sentByCall = rec.server.received.slice(before + sentByPlain.length).map(({ body }) => body);
    // Timings and stack frames name what differs by nature: the time a call took, the server's clock
    // in its date header (the two runs may fall on either side of a second), the bundle's file.
    const same = (text: string) => text.replace(/completed in \d+ ms/g, 'completed in N ms').replace(/^< date: .*$/gim, '< date: D').replace(/\(\S+\/dist\/cli\/[\w-]+\.cjs:\d+:\d+\)/g, '(BUNDLE)');
    expect({ ...call, stdout: same(call.stdout), stderr: same(call.stderr) }).toEqual({ ...plain, stdout: same(plain.stdout), stderr: same(plain.stderr) });
    expect(sentByCall).toEqual(sentByPlain);
    expect(plain.status).toBe(code);
  });
});
