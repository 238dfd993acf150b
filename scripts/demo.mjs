// `npm run demo`: `oneoffice doctor`, then the documented lifecycle, through the real CLI code path, against a local
// OneOffice server started in this process on a free port, then the same as a scenario file
// (examples/smoke) run by `oneoffice test --mock`. Exits 0 when every step ended as expected (the
// duplicate createUser is expected to fail with exit code 4).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable, Writable } from 'node:stream';
import { createRequire } from 'node:module';
import { startMockServer } from '../dist/index.js';

// The CLI exactly as bin/oneoffice.cjs runs it, in this process.
const { main } = createRequire(import.meta.url)('../dist/cli/cli.cjs');

const STEPS = [
  { args: ['createCustomer', '--id', 'ABC', '--name', 'ABC Company', '--admin.email', 'test3@example.com', '--admin.phone', '111111111', '--admin.display-name', 'Isa Aswath'], expect: 0 },
  { args: ['createFirstOrder', '--customer', 'ABC', '--id', 'ORD1', '--product', 'oo-lite', '--licenses', '20', '--duration', 'monthly'], expect: 0 },
  { args: ['createRenewalOrder', '--parent', 'ORD1', '--id', 'ORD2'], expect: 0 },
  { args: ['createUser', '--email', 'test1@oneoffice.bh', '--display-name', 'New User'], expect: 0 },
  { args: ['updateUserByEmail', '--email', 'test1@oneoffice.bh', '--is-active', 'false'], expect: 0 },
  { args: ['getUserByEmail', '--email', 'test1@oneoffice.bh'], expect: 0 },
  { args: ['createUser', '--email', 'test1@oneoffice.bh'], expect: 4, note: 'the same e-mail again: the server answers 400, the CLI exits 4' },
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const home = mkdtempSync(join(tmpdir(), 'oneoffice-demo-'));
const server = await startMockServer({
  log: (line) => process.stderr.write(`  mock | ${line}\n`),
});
let failures = 0;
try {
  // A fresh HOME, so the user's own config file plays no part; the token never appears on screen.
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    ONEOFFICE_URL: server.url,
    ONEOFFICE_BEARER: server.token,
    ...pick(process.env, ['NO_COLOR', 'FORCE_COLOR', 'TERM']),
  };
  const deps = { stdout: lineTracking(process.stdout), stderr: process.stderr, stdin: Readable.from([]), env };
  const verbose = (await supportsVerbose(env)) ? ['-v'] : [];

  process.stdout.write(`Local OneOffice server (oneoffice mock) at ${server.url}, with a random token in $ONEOFFICE_BEARER.\n`);

  // First contact: the doctor checks the setup end to end before any real call.
  process.stdout.write('\n# Check the setup end to end: config, token, proxy, DNS, TCP, TLS, the token accepted, clock, answer shape\n$ oneoffice doctor\n');
  const doctorCode = await main(['doctor'], deps);
  if (doctorCode !== 0) failures++;
  process.stdout.write(`[exit code ${doctorCode}${doctorCode === 0 ? '' : ', expected 0'}]\n`);
  for (const step of STEPS) {
    const args = [...step.args, ...verbose];
    process.stdout.write(`\n${step.note ? `# ${step.note}\n` : ''}$ oneoffice ${args.map(shellQuote).join(' ')}\n`);
    const code = await main(args, deps);
    const ok = code === step.expect;
    if (!ok) failures++;
    // Bodies are printed as received (no newline of their own) when stdout is not a terminal.
    process.stdout.write(`${deps.stdout.atLineStart ? '' : '\n'}[exit code ${code}${ok ? '' : `, expected ${step.expect}`}]\n`);
  }

  // The same lifecycle as a scenario file (the CI recipe in the README), on a fresh local server of its own.
  const smoke = ['test', join(root, 'examples', 'smoke'), '--mock'];
  process.stdout.write(`\n# The same lifecycle as a smoke check: examples/smoke/lifecycle.yml, with expectations on every answer\n$ oneoffice ${smoke.map((arg) => shellQuote(arg.startsWith(root) ? arg.slice(root.length + 1) : arg)).join(' ')}\n`);
  const smokeCode = await main(smoke, deps);
  if (smokeCode !== 0) failures++;
  process.stdout.write(`[exit code ${smokeCode}${smokeCode === 0 ? '' : ', expected 0'}]\n`);
  process.stdout.write(failures === 0 ? '\nAll steps ended as expected.\n' : `\n${failures} step(s) did not end as expected.\n`);
} finally {
  await server.close();
  rmSync(home, { recursive: true, force: true });
}
process.exitCode = failures === 0 ? 0 : 1;

/** Whether this version of the CLI has -v (request and response details) on method commands. */
async function supportsVerbose(env) {
  let help = '';
  const capture = new Writable({
    write(chunk, _encoding, done) {
      help += chunk;
      done();
    },
  });
  await main(['createUser', '--help'], { stdout: capture, stderr: capture, stdin: Readable.from([]), env });
  return /-v, --verbose/.test(help);
}

/** Forwards to `out`, remembering whether the last text written ended a line. */
function lineTracking(out) {
  const tracked = new Writable({
    write(chunk, _encoding, done) {
      if (chunk.length > 0) tracked.atLineStart = String(chunk).endsWith('\n');
      out.write(chunk, done);
    },
  });
  tracked.atLineStart = true;
  tracked.isTTY = out.isTTY;
  return tracked;
}

/** A word as a POSIX shell reads it back: bare when safe, else single-quoted. */
function shellQuote(word) {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function pick(source, keys) {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}
