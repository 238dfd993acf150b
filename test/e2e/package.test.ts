// The package as users get it: `npm pack`, then `npm install -g --prefix <dir>` of the tarball,
// with no build step at install; the installed `oneoffice` runs --version, a call against the
// installed `oneoffice mock`, a `test` scenario, `completion`, and its man page is where man looks.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const INSTALL_MS = 180_000;

let dir: string;
let prefix: string;
let tarball: string;
let install: { status: number | null; stdout: string; stderr: string };
const installed = () => join(prefix, 'bin', 'oneoffice');

function run(args: string[], env: Record<string, string> = isolatedEnv()): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(installed(), args, { env, cwd: dir, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  dir = tempDir('package');
  prefix = join(dir, 'prefix');
  // dist/ is built already (pretest); packing must not rebuild it under the other tests' feet.
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  expect(pack.status, pack.stderr).toBe(0);
  tarball = join(dir, (JSON.parse(pack.stdout) as Array<{ filename: string }>)[0]!.filename);
  // An empty working directory and HOME: nothing of the clone is at hand.
  const home = tempDir('package-home');
  // `--prefix` also moves where npm reads its global config (<prefix>/etc/npmrc): the machine's own
  // (its registry and CA file) is named, and the CA variables kept, or the registry's certificate is
  // refused and npm retries until the timeout.
  const globalConfig = spawnSync('npm', ['config', 'get', 'globalconfig'], { encoding: 'utf8' }).stdout.trim();
  const keep = Object.entries(process.env).filter(([name]) => /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|HTTPS?_PROXY|NO_PROXY)$/i.test(name));
  const result = spawnSync('npm', ['install', '-g', '--prefix', prefix, tarball, '--no-audit', '--no-fund', '--prefer-offline', '--cache', join(process.env['HOME'] ?? home, '.npm'), ...(globalConfig ? ['--globalconfig', globalConfig] : [])], {
    cwd: home,
    env: { ...Object.fromEntries(keep), PATH: process.env['PATH'] ?? '', HOME: home },
    encoding: 'utf8',
    timeout: INSTALL_MS,
  });
  install = { status: result.status, stdout: result.stdout, stderr: result.stderr };
}, INSTALL_MS + 30_000);

describe('the npm package', () => {
  it('installs from the tarball with no build step and no install script', () => {
    expect(install.status, install.stderr).toBe(0);
    expect(install.stderr).not.toMatch(/install-scripts|prepare|esbuild/);
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'oneoffice', 'dist', 'cli', 'cli.cjs'))).toBe(true);
  });

  it('ships dist/, the schemas and the man page, and no sources or tests', () => {
    const files = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
    expect(files).toEqual(expect.arrayContaining(['package/bin/oneoffice.cjs', 'package/dist/cli/cli.cjs', 'package/dist/index.js', 'package/dist/man/oneoffice.1', 'package/schemas/createUser.json', 'package/README.md']));
    expect(files.filter((file) => /^package\/(src|test|scripts)\//.test(file))).toEqual([]);
  });

  it('oneoffice --version', () => {
    expect(run(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('oneoffice completion bash', () => {
    const result = run(['completion', 'bash']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# oneoffice completion for bash /);
    expect(result.stdout).toContain('complete -F _oneoffice oneoffice\n');
  });

  describe('against the installed mock', () => {
    let mock: ChildProcess;
    let env: Record<string, string>;
    beforeAll(async () => {
      mock = spawn(installed(), ['mock', '--port', '0', '--token', 'package-test-token', '--quiet'], { env: isolatedEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
      const line = await new Promise<string>((resolve, reject) => {
        let text = '';
        mock.stdout!.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('\n')) resolve(text.split('\n')[0]!);
        });
        mock.once('exit', () => reject(new Error(`the installed mock exited: ${text}`)));
      });
      const url = /ONEOFFICE_URL='?([^'\s]+)'?/.exec(line)?.[1] ?? '';
      env = isolatedEnv({ ONEOFFICE_URL: url, ONEOFFICE_BEARER: 'package-test-token' });
    });
    // Waited for: it writes its code cache under the run's temporary folder as it exits.
    afterAll(async () => {
      if (!mock || mock.exitCode !== null || mock.signalCode !== null) return;
      const closed = new Promise((resolve) => mock.once('close', resolve));
      mock.kill();
      await closed;
    });

    it('oneoffice test runs a scenario', () => {
      const scenario = join(dir, 'smoke.yml');
      writeFileSync(scenario, 'name: package smoke\nsteps:\n  - call: createUser\n    params: { email: "package-test@example.com" }\n    expect: { status: 200, body: { email: "package-test@example.com" } }\n');
      const result = run(['test', scenario], env);
      expect(result.code, result.stderr + result.stdout).toBe(0);
    });

    it('a call, and -w', () => {
      const result = run(['createUser', '--email', 'package@example.com', '-w', '\\n%{http_code}\\n'], env);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      const [body, status] = result.stdout.split('\n');
      expect(JSON.parse(body!)).toMatchObject({ email: 'package@example.com', isActive: true });
      expect(status).toBe('200');
    });
  });

  it('puts the man page where man looks, made from the same specs as the help', () => {
    const page = join(prefix, 'share', 'man', 'man1', 'oneoffice.1');
    const text = readFileSync(page, 'utf8');
    expect(text).toMatch(new RegExp(`^\\.TH ONEOFFICE 1 \\d{4}-\\d{2}-\\d{2} "oneoffice ${VERSION.replace(/\./g, '\\.')}" "User Commands"\n`));
    expect(text).toContain('.SS createFirstOrder');
    expect(text).toContain('.SS batch <file>');
    expect(text).toContain('\\-\\-write\\-out');
  });
});
