// Shell completion in the real shells: bash (the function called as bash calls it, COMP_WORDS and
// COMP_CWORD set, COMPREPLY read), zsh (an interactive zsh on a pseudo-terminal, TAB typed; see
// helpers/zsh-capture.zsh) and fish (`complete -C`), each running the script that
// `oneoffice completion <shell>` prints and the built CLI behind it.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, HANG_MS, isolatedEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const ZSH_CAPTURE = fileURLToPath(new URL('../helpers/zsh-capture.zsh', import.meta.url));
const have = (shell: string) => spawnSync(shell, ['-c', 'true'], { stdio: 'ignore' }).status === 0;
const SHELLS = { bash: have('bash'), zsh: have('zsh'), fish: have('fish') };
for (const [shell, present] of Object.entries(SHELLS)) if (!present) console.warn(`SKIPPED: ${shell} is not installed; its completion tests did not run`);

const PRODUCTS = ['erp-admin', 'erp-lim', 'erp-std', 'oo-ent', 'oo-lite', 'oo-std'];

let env: Record<string, string>;
let work: string;

beforeAll(() => {
  work = tempDir('completion');
  // `oneoffice` on PATH, as after an install: the scripts call it back.
  const bin = join(work, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'oneoffice'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(join(bin, 'oneoffice'), 0o755);
  // Files for @ and file names, a user schema directory, a config file with profiles.
  const cwd = join(work, 'cwd');
  mkdirSync(join(cwd, 'orders'), { recursive: true });
  writeFileSync(join(cwd, 'order.json'), '{}');
  writeFileSync(join(cwd, 'other.txt'), '');
  const schemas = join(work, 'schemas');
  mkdirSync(schemas);
  writeFileSync(join(schemas, 'listOrders.json'), JSON.stringify({ description: 'List orders.', type: 'object', properties: { customer: { type: 'string' }, pageSize: { type: 'integer' } } }));
  env = isolatedEnv({ ONEOFFICE_SCHEMAS: schemas, PATH: `${bin}:${process.env['PATH'] ?? ''}` });
  const configDir = join(env['XDG_CONFIG_HOME'] as string, 'oneoffice');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ profiles: { staging: { url: 'https://s.example/api' }, prod: { url: 'https://p.example/api' } } }));
});

const cwdOf = () => join(work, 'cwd');

/** The script `oneoffice completion <shell>` prints, made once per shell: the same text every time. */
const scripts = new Map<string, string>();
function script(shell: string): string {
  const known = scripts.get(shell);
  if (known) return known;
  const path = join(work, `completion.${shell}`);
  const made = spawnSync(process.execPath, [BIN, 'completion', shell], { env, encoding: 'utf8' });
  expect(made.status).toBe(0);
  writeFileSync(path, made.stdout);
  scripts.set(shell, path);
  return path;
}

/**
 * bash: COMP_WORDS as bash splits the line (it splits at =), the last word the cursor's, and
 * COMP_LINE as typed (a piece made of = or : alone stood right against its neighbours, @ against the next).
 */
function bash(words: string[]): string[] {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const isBreak = (word: string | undefined) => word !== undefined && /^[=:@]*[=:][=:@]*$/.test(word);
  const line = words.reduce((typed, word, i) => (i === 0 ? word : isBreak(word) || isBreak(words[i - 1]) || words[i - 1] === '@' ? typed + word : `${typed} ${word}`), '');
  const run = spawnSync('bash', ['--norc', '-c', `source '${script('bash')}'; COMP_WORDS=(${words.map(quote).join(' ')}); COMP_CWORD=${words.length - 1}; COMP_LINE=${quote(line)}; COMP_POINT=${line.length}; _oneoffice; printf '%s\\n' "\${COMPREPLY[@]}"`], { env, cwd: cwdOf(), encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').filter(Boolean).sort();
}

function zsh(line: string): string[] {
  const run = spawnSync('zsh', ['-f', ZSH_CAPTURE, script('zsh'), line], { env, cwd: cwdOf(), encoding: 'utf8', timeout: HANG_MS });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split('\n').filter(Boolean).sort();
}

function fish(line: string): string[] {
  const run = spawnSync('fish', ['--no-config', '-c', `source '${script('fish')}'; complete -C'${line}'`], { env, cwd: cwdOf(), encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').filter(Boolean).map((entry) => entry.split('\t')[0] as string).sort();
}

describe.skipIf(!SHELLS.bash)('bash completion', () => {
  it('offers the six products after createFirstOrder --product', () => {
    expect(bash(['oneoffice', 'createFirstOrder', '--product', ''])).toEqual(PRODUCTS);
  });

  it('offers monthly and yearly for --duration, and true and false for a boolean', () => {
    expect(bash(['oneoffice', 'createFirstOrder', '--duration', ''])).toEqual(['monthly', 'yearly']);
    expect(bash(['oneoffice', 'updateUserByEmail', '--email', 'a@b.co', '--is-active', ''])).toEqual(['false', 'true']);
  });

  it('completes --product=oo (which bash splits at the =) to the values alone', () => {
    expect(bash(['oneoffice', 'createFirstOrder', '--product', '=', 'oo'])).toEqual(['oo-ent', 'oo-lite', 'oo-std']);
    expect(bash(['oneoffice', 'createFirstOrder', '--product', '='])).toEqual(PRODUCTS);
  });

  it('offers the commands and every method, those of the schema directory included', () => {
    const offered = bash(['oneoffice', '']);
    expect(offered).toEqual(expect.arrayContaining(['batch', 'call', 'completion', 'config', 'createUser', 'createFirstOrder', 'listOrders', 'methods', 'mock']));
    expect(bash(['oneoffice', 'create'])).toEqual(['createCustomer', 'createFirstOrder', 'createRenewalOrder', 'createUser']);
    expect(bash(['oneoffice', 'call', 'list'])).toEqual(['listOrders']);
  });

  it("offers every flag of the command at hand: the method's parameters and the call flags", () => {
    const flags = bash(['oneoffice', 'createFirstOrder', '--']);
    expect(flags).toEqual(expect.arrayContaining(['--customer', '--id', '--product', '--licenses', '--duration', '--params', '--url', '--header', '--write-out', '--cert', '--key', '--pass-env', '--retry', '--dry-run', '--curl']));
    expect(bash(['oneoffice', 'listOrders', '--pa'])).toEqual(['--page-size', '--params', '--pass-env']);
    expect(bash(['oneoffice', 'batch', 'in.ndjson', '--con'])).toEqual(['--concurrency', '--config', '--connect-timeout', '--continue-on-error']);
    expect(bash(['oneoffice', 'mock', '--'])).toEqual(expect.arrayContaining(['--port', '--token', '--fail-rate', '--latency', '--state', '--quiet']));
  });

  it('does not offer a flag already given, except repeatable ones', () => {
    const flags = bash(['oneoffice', 'createUser', '--email', 'a@b.co', '-H', 'X-A: 1', '--']);
    expect(flags).not.toContain('--email');
    expect(flags).toContain('--header');
  });

  it('offers profile names for --profile and config use, and config keys for config set', () => {
    expect(bash(['oneoffice', 'createUser', '--profile', ''])).toEqual(['default', 'prod', 'staging']);
    expect(bash(['oneoffice', 'config', 'use', ''])).toEqual(['default', 'prod', 'staging']);
    expect(bash(['oneoffice', 'config', 'set', ''])).toEqual(
      ['bearer', 'cacert', 'cert', 'connect-timeout', 'key', 'max-time', 'pass-env', 'proxy', 'retry', 'retry-delay', 'retry-max-time', 'schemas', 'url'],
    );
    expect(bash(['oneoffice', 'config', ''])).toEqual(['delete', 'get', 'list', 'path', 'set', 'unset', 'use']);
    expect(bash(['oneoffice', 'config', 'delete', ''])).toEqual(['default', 'prod', 'staging']);
  });

  it('offers files after --params @, and file names for --cert and the batch input', () => {
    expect(bash(['oneoffice', 'createUser', '--params', '@'])).toEqual(['@order.json', '@orders/', '@other.txt']);
    expect(bash(['oneoffice', 'createUser', '--params', '@ord'])).toEqual(['@order.json', '@orders/']);
    // As bash splits it: @ is a word break, and readline replaces it with the piece after it.
    expect(bash(['oneoffice', 'createUser', '--params', '@', 'ord'])).toEqual(['@order.json', '@orders/']);
    expect(bash(['oneoffice', 'createUser', '--params', '=@', 'ord'])).toEqual(['@order.json', '@orders/']);
    expect(bash(['oneoffice', 'createUser', '--cert', 'o'])).toEqual(['order.json', 'orders', 'other.txt']);
    expect(bash(['oneoffice', 'batch', 'ot'])).toEqual(['other.txt']);
  });

  it('reads options given before the command word, values included', () => {
    expect(bash(['oneoffice', '--concurrency', '4', 'batch', 'in.ndjson', '--res'])).toEqual(['--results', '--resume']);
    expect(bash(['oneoffice', '--profile', 'staging', 'createFirstOrder', '--duration', ''])).toEqual(['monthly', 'yearly']);
  });

  it('offers the shells after completion', () => {
    expect(bash(['oneoffice', 'completion', ''])).toEqual(['bash', 'fish', 'powershell', 'zsh']);
  });

  it('offers oneoffice test the call flags it takes, and the report formats after --report', () => {
    expect(bash(['oneoffice', 'test', 'smoke.yml', '--u'])).toEqual(['--url']);
    expect(bash(['oneoffice', 'test', '--report', ''])).toEqual(['html:', 'json:', 'junit:', 'tap:']);
    // bash splits junit:o at the colon and replaces only the piece after it.
    expect(bash(['oneoffice', 'test', '--report', 'junit', ':', 'o'])).toEqual(['order.json', 'orders/', 'other.txt']);
  });
});

describe.skipIf(!SHELLS.zsh)('zsh completion', () => {
  it('offers the six products after createFirstOrder --product', () => {
    expect(zsh('oneoffice createFirstOrder --product ')).toEqual(PRODUCTS);
  }, 60_000);

  // zsh on a pseudo-terminal takes seconds a line on a busy machine: a few lines per test.
  it('offers the methods of the schema directory and files after --params @', () => {
    expect(zsh('oneoffice list')).toEqual(['listOrders']);
    expect(zsh('oneoffice createUser --params @ord')).toEqual(['@order.json', '@orders/']);
  }, 60_000);

  it('completes --name=value, profiles and config keys', () => {
    expect(zsh('oneoffice createFirstOrder --duration=m')).toEqual(['--duration=monthly']);
    expect(zsh('oneoffice --profile st')).toEqual(['staging']);
    expect(zsh('oneoffice config set pass')).toEqual(['pass-env']);
  }, 60_000);
});

describe.skipIf(!SHELLS.fish)('fish completion', () => {
  it('offers the six products after createFirstOrder --product', () => {
    expect(fish('oneoffice createFirstOrder --product ')).toEqual(PRODUCTS);
  });

  it('offers methods, flags, booleans, config keys and @files', () => {
    expect(fish('oneoffice list')).toEqual(['listOrders']);
    expect(fish('oneoffice createFirstOrder --lic')).toEqual(['--licenses']);
    expect(fish('oneoffice updateUserByEmail --is-active ')).toEqual(['false', 'true']);
    expect(fish('oneoffice config use p')).toEqual(['prod']);
    expect(fish('oneoffice createUser --params @ord')).toEqual(['@order.json', '@orders/']);
  });
});
