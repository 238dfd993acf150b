// Windows behaviour that can be injected here: the platform and environment (config path, `~`,
// the default shell of --curl and mock), Ctrl-Break (SIGBREAK, which only Windows can send: its
// listeners are called directly), renames refused while a file is held open, and the stdin spool.
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Capture } from '../helpers/in-process.js';
import { RENAME_GIVE_UP_MS, renameWithRetry } from '../../src/files/rename.js';
import { openInput } from '../../src/batch/input.js';
import { StopControl, watchSignals } from '../../src/batch/gate.js';
import { main, type Deps } from '../../src/cli/main.js';
import { defaultConfigPath, expandHome } from '../../src/config/paths.js';
import { clientSettings } from '../../src/mock/print.js';
import { tempDir } from '../helpers/temp.js';

const WINDOWS_POWERSHELL_ENV = {
  USERPROFILE: 'C:\\Users\\me',
  APPDATA: 'C:\\Users\\me\\AppData\\Roaming',
  PSModulePath: 'C:\\Users\\me\\Documents\\WindowsPowerShell\\Modules;C:\\Program Files\\WindowsPowerShell\\Modules;C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules',
};

function deps(env: Record<string, string>, platform: NodeJS.Platform = 'win32'): Deps & { stdout: Capture; stderr: Capture } {
  return { stdout: new Capture(), stderr: new Capture(), stdin: new PassThrough(), env, platform };
}

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('paths by platform', () => {
  it.each<[string, NodeJS.Platform, Record<string, string>, string]>([
    ['Windows: under %APPDATA%, where conf would put it', 'win32', { APPDATA: 'D:\\Roaming', USERPROFILE: 'C:\\Users\\me' }, 'D:\\Roaming\\oneoffice\\Config\\config.json'],
    ['Windows without APPDATA: the profile folder\'s AppData\\Roaming', 'win32', { USERPROFILE: 'C:\\Users\\me' }, 'C:\\Users\\me\\AppData\\Roaming\\oneoffice\\Config\\config.json'],
    ['Linux: $XDG_CONFIG_HOME', 'linux', { XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/me' }, '/x/cfg/oneoffice/config.json'],
    ['macOS: ~/.config as on Linux', 'darwin', { HOME: '/Users/me' }, '/Users/me/.config/oneoffice/config.json'],
  ])('%s', (_name, platform, env, path) => {
    expect(defaultConfigPath(env, platform)).toBe(path);
  });

  it.each<[string, NodeJS.Platform, string, string]>([
    ['~/x on Linux', 'linux', '~/x/ca.pem', '/home/me/x/ca.pem'],
    ['~ alone', 'linux', '~', '/home/me'],
    ['~\\x on Windows (cmd passes it as typed)', 'win32', '~\\certs\\ca.pem', 'C:\\Users\\me\\certs\\ca.pem'],
    ['~/x on Windows', 'win32', '~/certs/ca.pem', 'C:\\Users\\me\\certs\\ca.pem'],
    ['~user is left alone', 'linux', '~other/x', '~other/x'],
    ['~ inside a path is left alone', 'linux', 'a/~/b', 'a/~/b'],
    ['~\\ on Linux is a file name, left alone', 'linux', '~\\x', '~\\x'],
  ])('%s', (_name, platform, path, expanded) => {
    expect(expandHome(path, { HOME: '/home/me', USERPROFILE: 'C:\\Users\\me' }, platform)).toBe(expanded);
  });

  it('config path on Windows prints the %APPDATA% file', async () => {
    const d = deps(WINDOWS_POWERSHELL_ENV);
    expect(await main(['config', 'path'], d)).toBe(0);
    expect(d.stdout.text).toBe('C:\\Users\\me\\AppData\\Roaming\\oneoffice\\Config\\config.json\n');
  });
});

describe('the shell of the user on Windows', () => {
  const call = ['createUser', '--email', 'a@b.co', '--url', 'https://api.example/ext', '--curl'];
  it('--curl prints for PowerShell when that is the shell in use', async () => {
    const d = deps({ ...WINDOWS_POWERSHELL_ENV, ONEOFFICE_BEARER: 'tok' });
    expect(await main(call, d)).toBe(0);
    expect(d.stdout.text).toMatch(/^\$oneofficeBody = New-TemporaryFile; .* curl\.exe -X GET https:\/\/api\.example\/ext --header "x-api-key: \$env:ONEOFFICE_BEARER" /);
  });

  it('--curl prints for cmd.exe otherwise', async () => {
    const d = deps({ USERPROFILE: 'C:\\Users\\me', PSModulePath: 'C:\\Program Files\\WindowsPowerShell\\Modules', BEARER: 'tok' });
    expect(await main(call, d)).toBe(0);
    expect(d.stdout.text).toMatch(/^curl\.exe -X GET https:\/\/api\.example\/ext --header "x-api-key: %BEARER%" /);
  });

  it('the mock prints $env: assignments in PowerShell, and Ctrl-Break (SIGBREAK) stops it cleanly', async () => {
    const d = deps(WINDOWS_POWERSHELL_ENV);
    const running = main(['mock', '--port', '0', '--token', 'dev-token'], d);
    while (!d.stderr.text.includes('Ctrl-C stops it')) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(d.stdout.text).toMatch(/^\$env:ONEOFFICE_URL = 'http:\/\/127\.0\.0\.1:\d+\/'; \$env:ONEOFFICE_BEARER = 'dev-token'\n$/);
    (process.emit as (event: string) => boolean)('SIGBREAK');
    expect(await running).toBe(0);
    expect(d.stderr.text).toMatch(/oneoffice mock: stopped\n$/);
  });

  it('mock --print formats, quoted for each shell', () => {
    expect(clientSettings('sh', 'http://127.0.0.1:1/', "it's", 7)).toBe("export ONEOFFICE_URL=http://127.0.0.1:1/ ONEOFFICE_BEARER='it'\\''s'\n");
    expect(clientSettings('powershell', 'http://127.0.0.1:1/', "it's", 7)).toBe("$env:ONEOFFICE_URL = 'http://127.0.0.1:1/'; $env:ONEOFFICE_BEARER = 'it''s'\n");
    expect(clientSettings('cmd', 'http://127.0.0.1:1/', 'a&b', 7)).toBe('set "ONEOFFICE_URL=http://127.0.0.1:1/" & set "ONEOFFICE_BEARER=a&b"\n');
    expect(clientSettings('cmd', 'http://127.0.0.1:1/', '50%!', 7)).toBe('set "ONEOFFICE_URL=http://127.0.0.1:1/" & set ONEOFFICE_BEARER=50^%^!\n');
    expect(clientSettings('json', 'http://127.0.0.1:1/', 't', 7)).toBe('{"url":"http://127.0.0.1:1/","token":"t","pid":7}\n');
  });
});

describe('stopping a batch', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'])('%s stops it like Ctrl-C', (signal) => {
    const stop = new StopControl();
    const unwatch = watchSignals(stop);
    try {
      (process.emit as (event: string) => boolean)(signal);
      expect(stop.signal).toBe(signal);
      expect(stop.stopping).toBe(true);
    } finally {
      unwatch();
    }
  });
});

describe('renames Windows refuses while the target is held open', () => {
  it('EPERM and EBUSY are retried with a growing pause until the rename goes through', async () => {
    const outcomes = [errno('EPERM'), errno('EBUSY'), errno('EPERM'), undefined];
    const pauses: number[] = [];
    let calls = 0;
    await renameWithRetry('a.tmp', 'a', {
      rename: async () => {
        const outcome = outcomes[calls++];
        if (outcome) throw outcome;
      },
      sleep: async (ms) => void pauses.push(ms),
    });
    expect(calls).toBe(4);
    expect(pauses).toEqual([10, 20, 40]);
  });

  it('gives up after a bounded total pause with the last error', async () => {
    const pauses: number[] = [];
    const renaming = renameWithRetry('a.tmp', 'a', { rename: async () => Promise.reject(errno('EBUSY')), sleep: async (ms) => void pauses.push(ms) });
    await expect(renaming).rejects.toMatchObject({ code: 'EBUSY' });
    expect(pauses.reduce((sum, ms) => sum + ms, 0)).toBe(RENAME_GIVE_UP_MS);
  });

  it('other errors fail at once', async () => {
    const pauses: number[] = [];
    await expect(renameWithRetry('a.tmp', 'a', { rename: async () => Promise.reject(errno('ENOENT')), sleep: async (ms) => void pauses.push(ms) })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(pauses).toEqual([]);
  });

  it('renames real files', async () => {
    const dir = tempDir('rename');
    writeFileSync(join(dir, 'a.tmp'), 'new');
    writeFileSync(join(dir, 'a'), 'old');
    await renameWithRetry(join(dir, 'a.tmp'), join(dir, 'a'));
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('new');
    expect(existsSync(join(dir, 'a.tmp'))).toBe(false);
  });
});

describe("a batch's stdin spool", () => {
  const BIG_INPUT = `${'{"method":"createUser","params":{"email":"a@b.co"}}\n'.repeat(40_000)}`;
  /** Files this process has open under `dir` (Linux: /proc/self/fd). */
  const openUnder = (dir: string) =>
    readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        const target = readlinkSync(`/proc/self/fd/${fd}`);
        return target.startsWith(dir) ? [target] : [];
      } catch {
        return [];
      }
    });
  /** What Windows does when a directory holding an open file is removed. */
  const refuseWhileOpen = () => {
    throw errno('EBUSY');
  };

  async function spoolHalfRead(remove: (dir: string) => Promise<void>, warn: (message: string) => void = () => {}) {
    const input = openInput('-', Readable.from([Buffer.from(BIG_INPUT)]), { removeNow: refuseWhileOpen, remove, warn });
    for await (const _ of input.firstPass());
    // The second read has started and is not over: its file is open.
    const second = input.secondPass();
    await second.next();
    return input;
  }

  it('where the system allows it (POSIX), the copy is gone before the first line is read', async () => {
    const seen: string[] = [];
    const input = openInput('-', Readable.from([Buffer.from(BIG_INPUT)]), {
      removeNow: (dir) => {
        seen.push(dir);
        rmSync(dir, { recursive: true, force: true });
      },
      remove: async () => expect.unreachable('nothing is left to remove'),
    });
    for await (const _ of input.firstPass());
    expect(seen).toHaveLength(1);
    expect(existsSync(seen[0] as string)).toBe(false);
    let lines = 0;
    for await (const chunk of input.secondPass()) lines += chunk.length;
    expect(lines).toBe(40_000);
    await input.dispose();
  });

  it.skipIf(process.platform !== 'linux')('where it does not (Windows), it is removed once the stream reading it has closed the file', async () => {
    let stillOpen: string[] | undefined;
    const input = await spoolHalfRead(async (dir) => {
      stillOpen = openUnder(dir);
      rmSync(dir, { recursive: true });
    });
    await input.dispose();
    expect(stillOpen).toEqual([]);
  });

  it('a copy that cannot be removed is a warning, never a failure of the finished batch', async () => {
    const warnings: string[] = [];
    let removed: string | undefined;
    const input = await spoolHalfRead(
      async (dir) => {
        removed = dir;
        throw errno('EPERM');
      },
      (message) => warnings.push(message),
    );
    await expect(input.dispose()).resolves.toBeUndefined();
    expect(warnings).toEqual([`could not remove the temporary copy of the input in ${removed} (EPERM): it may hold secrets, delete it`]);
    rmSync(removed as string, { recursive: true });
  });
});
