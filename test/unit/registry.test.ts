// The command registry (src/cli/registry.ts) is what dispatch, help and completion are made from:
// here, in-process through main(), every command of it is held to what its help lists, and the
// drift the registry ended (config delete, test's call flags, --report formats) stays ended.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/in-process.js';
import { complete } from '../../src/cli/complete.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { tempDir } from '../helpers/temp.js';

const home = tempDir('registry');
const env = { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), ONEOFFICE_CONFIG: join(home, 'config.json') };

const run = (argv: string[]) => runMain(argv, env);

/** The long flags of a help text's option lines ("  -H, --header <v>  ...", "      --url <url>  ..."). */
function listedFlags(help: string): string[] {
  const flags = help.split('\n').flatMap((line) => /^\s+(?:-\w, )?(--[a-z][a-z-]*)/.exec(line)?.[1] ?? []);
  return [...new Set(flags)].sort();
}

const offered = (words: string[]) => complete(words, env).candidates.map((candidate) => candidate.value);

describe('the command registry', () => {
  it.each(COMMANDS.map((command) => [command.name]))('completion offers for %s exactly the flags its help lists', async (name) => {
    const help = await run(['help', name]);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    const flags = [...new Set(offered([name, '--']))].sort();
    expect(flags).toEqual(listedFlags(help.stdout));
  });

  it.each(COMMANDS.map((command) => [command.name]))('`help %s` prints what `%s --help` prints', async (name) => {
    if (name === 'help') return;
    const viaHelp = await run(['help', name]);
    const viaFlag = await run([name, '--help']);
    expect(viaFlag.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  it('completes every subcommand of config, delete included, and a profile after delete', () => {
    expect(offered(['config', ''])).toEqual(['set', 'get', 'unset', 'list', 'path', 'use', 'delete']);
    expect(offered(['config', 'delete', ''])).toEqual(['default']);
    expect(offered(['config', 'get', '--'])).toContain('--show-secrets');
  });

  it('offers oneoffice test the call flags it takes, and not those it refuses', () => {
    expect(offered(['test', '--u'])).toEqual(['--url']);
    expect(offered(['test', '--'])).toEqual(expect.arrayContaining(['--url', '--bearer', '--max-time', '--retry', '--proxy', '--cert', '--insecure', '--report', '--var']));
    expect(offered(['test', '--'])).not.toContain('--params');
    expect(offered(['test', '--'])).not.toContain('--curl');
  });

  it('offers the report formats after test --report, then file names after the format', () => {
    const formats = complete(['test', '--report', ''], env);
    expect(formats.candidates.map((c) => c.value)).toEqual(['junit:', 'tap:', 'json:', 'html:']);
    expect(formats.directive & 1).toBe(1);
    expect(offered(['test', '--report', 'j'])).toEqual(['junit:', 'json:']);
    expect(offered(['test', '--report=t'])).toEqual(['--report=tap:']);
  });

  it('offers the four shells after completion', () => {
    expect(offered(['completion', ''])).toEqual(['bash', 'zsh', 'fish', 'powershell']);
  });
});
