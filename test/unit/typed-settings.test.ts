// Settings below the command line are typed and named as their caller knows them: the library's
// numbers reach the network layer as they were given, its errors name its options (maxTimeMs), the
// CLI's name its flags (--max-time), and only the CLI ever asks on a terminal.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { connectTimeoutError, maxTimeError, toNetworkError } from '../../src/http/network-errors.js';
import { FLAG_NAMES } from '../../src/options/network-flags.js';
import { runMain } from '../helpers/in-process.js';
import { makeCa, makeSignedCertificate } from '../helpers/tls.js';
import { tempDir } from '../helpers/temp.js';
import { writeConfig } from '../helpers/config.js';

// The real module, watched: what the client hands to the network settings.
vi.mock('../../src/config/network.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/config/network.js')>();
  return { ...actual, resolveNetworkPair: vi.fn(actual.resolveNetworkPair) };
});

const TOKEN = 'typed-settings-token-0123456789';
/** Takes every request and never answers it. */
let silent: Server;
let url: string;
const held: Array<() => void> = [];

beforeAll(async () => {
  silent = createServer((request, response) => {
    request.resume();
    held.push(() => response.destroy());
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  // Test files share a worker's modules (vitest.config.ts): the watched module and the fresh copies
  // imported below would stay for the files after this one, whose fresh client (holding one copy of
  // api/errors.ts) then met errors made by the watched module's earlier copy, and `instanceof` failed
  // (createClient's bad headers went missing from its ValidationError when such a file ran next).
  // The next file imports the real modules, all of one copy.
  vi.doUnmock('../../src/config/network.js');
  vi.resetModules();
  for (const release of held) release();
  await new Promise((resolve) => silent.close(resolve));
});

describe("the library's settings", () => {
  it('are passed on as the numbers the caller gave, with the names of its options', async () => {
    // Fresh copies of the client and what it imports: test files share modules (vitest.config.ts),
    // so a client another file loaded first holds the real network module, not this file's watched one.
    vi.resetModules();
    const fresh = { ...(await import('../../src/client/client.js')), ...(await import('../../src/config/network.js')), ...(await import('../../src/api/settings.js')) };
    const resolve = vi.mocked(fresh.resolveNetworkPair);
    resolve.mockClear();
    fresh.createClient({ url, token: TOKEN, env: {}, connectTimeoutMs: 1500, maxTimeMs: 2500, retries: 1, retryDelayMs: 250, retryMaxTimeMs: 4000 });
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(resolve.mock.calls[0]?.[0]).toEqual({ connectTimeoutMs: 1500, maxTimeMs: 2500, retries: 1, retryDelayMs: 250, retryMaxTimeMs: 4000 });
    expect(resolve.mock.calls[0]?.[1]).toBe(fresh.OPTION_NAMES);
  });

  it('that cannot work are refused all at once, each named as the option and quoted as the number given', () => {
    expect(() => createClient({ url, token: TOKEN, env: {}, maxTimeMs: -5, retries: 1.5, connectTimeoutMs: 90_000_000 })).toThrow(
      expect.objectContaining({
        code: 'E_VALIDATION',
        problems: [
          'connectTimeoutMs: must be a number of milliseconds above 0 to 86400000 (one day) (got 90000000)',
          'maxTimeMs: must be a number of milliseconds above 0 to 86400000 (one day) (got -5)',
          'retries: must be a whole number (0 or more) (got 1.5)',
        ],
      }),
    );
  });

  // createUser: a create is not retried, so the first timeout is the answer.
  it('name maxTimeMs when a call gets no answer in time, and the error says which setting it was', async () => {
    const client = createClient({ url, token: TOKEN, env: {}, maxTimeMs: 100 });
    const error = await client.call('createUser', { email: 'a@b.co' }).catch((caught: unknown) => caught);
    await client.close();
    expect(error).toMatchObject({ code: 'E_MAX_TIME', setting: 'maxTimeMs', exitCode: 7, message: `no complete answer from ${new URL(url).host} within 0.1 s (maxTimeMs)` });
  });

  it('name cacert and insecure in the advice for an untrusted server, where the CLI names --cacert and -k', () => {
    const untrusted = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const where = new URL('https://api.example.test/');
    expect(toNetworkError(untrusted, where).message).toBe(
      'TLS: the certificate of api.example.test:443 is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); if you trust it, pass cacert <CA bundle> (or set NODE_EXTRA_CA_CERTS); insecure skips the check (unsafe)',
    );
    expect(toNetworkError(untrusted, where, undefined, FLAG_NAMES).message).toBe(
      'TLS: the certificate of api.example.test:443 is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); if you trust it, pass --cacert <CA bundle> (or set NODE_EXTRA_CA_CERTS); -k skips the check (unsafe)',
    );
  });

  it('timeouts carry the setting they are about, whoever named it', () => {
    const where = new URL('https://api.example.test/');
    expect(connectTimeoutError(where).setting).toBe('connectTimeoutMs');
    expect(maxTimeError(where, 5000, undefined, FLAG_NAMES)).toMatchObject({ setting: 'maxTimeMs', message: 'no complete answer from api.example.test within 5 s (--max-time)' });
  });

  it('never ask for a passphrase: an encrypted key without one is refused at once, naming the passphrase option', () => {
    const ca = makeCa();
    const locked = makeSignedCertificate(ca, 'locked-client', { client: true, passphrase: 'open-sesame-42' });
    expect(() => createClient({ url, token: TOKEN, env: {}, cert: locked.certPath, key: locked.keyPath })).toThrow(
      expect.objectContaining({ code: 'E_KEY_PASSPHRASE', setting: 'passphrase', message: `key ${locked.keyPath} is encrypted: give its passphrase (the passphrase option, or pass-env in the config profile)` }),
    );
  });

  it('come from code that never reads a terminal: only the CLI loads the prompt', () => {
    const below = ['api', 'http', 'config', 'client', 'output', 'batch', 'scenario', 'doctor', 'mock', 'files', 'options'];
    const prompting = below.flatMap((folder) =>
      readdirSync(join('src', folder), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts') && /import\(['"]read['"]\)|from ['"]read['"]/.test(readFileSync(join('src', folder, file), 'utf8')))
        .map((file) => `${folder}/${file}`),
    );
    expect(prompting).toEqual([]);
  });
});

describe("the CLI's settings", () => {
  it('name --max-time when a call gets no answer in time', async () => {
    const result = await runMain(['createUser', '--email', 'a@b.co', '--max-time', '0.1'], { ONEOFFICE_URL: url, ONEOFFICE_BEARER: TOKEN, HOME: '/nonexistent' });
    expect(result).toEqual({ code: 7, stdout: '', stderr: `oneoffice: no complete answer from ${new URL(url).host} within 0.1 s (--max-time)\n` });
  });

  it('report every bad network flag at once, each by its flag, and send nothing', async () => {
    const before = held.length;
    const result = await runMain(['getUserByEmail', '--email', 'a@b.co', '--max-time', 'soon', '--retry', 'x', '--connect-timeout', '86401'], { ONEOFFICE_URL: url, ONEOFFICE_BEARER: TOKEN, HOME: '/nonexistent' });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        'oneoffice: --connect-timeout: must be at most 86400 seconds (one day) (got "86401")',
        'oneoffice: --max-time: must be a number of seconds above 0 (got "soon")',
        'oneoffice: --retry: must be a whole number (0 or more) (got "x")',
        '',
      ].join('\n'),
    });
    expect(held.length).toBe(before);
  });
});

describe("--curl's token", () => {
  const curlOf = async (extra: string[], env: Record<string, string>) => runMain(['getUserByEmail', '--email', 'a@b.co', '--curl=sh', ...extra], { HOME: '/nonexistent', ONEOFFICE_URL: url, ...env });

  it('is read from the profile it was found in, though a variable holds the same value', async () => {
    const home = tempDir('typed-curl');
    const env = { XDG_CONFIG_HOME: home, ONEOFFICE_BEARER: TOKEN };
    writeConfig(env, { profiles: { staging: { bearer: TOKEN } } });
    const result = await curlOf(['--profile', 'staging'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("$(oneoffice --profile staging config get bearer --show-secrets)");
    expect(result.stdout).not.toContain('ONEOFFICE_BEARER');
  });

  it('typed with --bearer is said to be in no variable, though one holds the same value', async () => {
    const result = await curlOf(['--bearer', TOKEN], { BEARER: TOKEN });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"x-api-key: ${ONEOFFICE_BEARER}"');
    expect(result.stdout).not.toContain('${BEARER}');
    expect(result.stderr).toContain('the token was given with --bearer, so the printed command reads it from ONEOFFICE_BEARER: set that variable before running it');
  });
});

describe('where the URL and token come from', () => {
  it("a library caller's url option is named as an option, not as the CLI's flag", () => {
    expect(() => createClient({ url: 'ftp://files.example', token: TOKEN, env: {} })).toThrow(expect.objectContaining({ code: 'E_BAD_URL', exitCode: 2, message: 'option url: must be an http:// or https:// URL (got "ftp:")' }));
  });

  it("a library caller's missing token: the option is named among the places looked in", () => {
    const home = tempDir('typed-target');
    expect(() => createClient({ url, env: { XDG_CONFIG_HOME: home, HOME: home } })).toThrow(expect.objectContaining({ code: 'E_NO_TOKEN', message: expect.stringMatching(/^no API token: looked in the token option, \$ONEOFFICE_BEARER, \$BEARER and profile "default" in /) }));
  });

  it("the CLI's --url is still named as its flag", async () => {
    const result = await runMain(['createUser', '--email', 'a@b.co', '--url', 'ftp://files.example'], { ONEOFFICE_BEARER: TOKEN, HOME: '/nonexistent' });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'oneoffice: flag --url: must be an http:// or https:// URL (got "ftp:")\n' });
  });
});
