// Each shell dialect's quoting of hostile values. sh is checked by the real shells (sh, bash, dash,
// zsh, whichever are installed); PowerShell and cmd.exe, which cannot run here, are pinned to their
// documented rules: a table of exact texts, and for cmd a model of its parsing (percent expansion as
// on an interactive command line, then carets and quotes; then the MSVC rules curl.exe splits by).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cmdQuote, defaultDialect, msvcQuote, powershellQuote, shellQuote } from '../../src/output/quote.js';
import { NO_POSIX_SHELL } from '../helpers/platform.js';

const HOSTILE = [
  "it's", '"double"', '$HOME ${HOME} $(id) `id`', '%PATH% %%', '^ & | < > ( ) ! ; #', 'back\\slash\\', '\\"', 'new\nline', 'tab\there',
  'ünï 😀 ‘curly’ “quotes”', '*?[a]', '~', '-leading-dash', '@user.json', 'a,b', '', ' ',
];

describe('sh quoting, run by the real shells', () => {
  const shells = ['sh', 'bash', 'dash', 'zsh'].filter((shell) => spawnSync(shell, ['-c', 'exit 0']).status === 0);
  const missing = ['sh', 'bash', 'dash', 'zsh'].filter((shell) => !shells.includes(shell));
  if (missing.length && !NO_POSIX_SHELL) console.warn(`sh quoting not run in ${missing.join(', ')}: not installed (apt-get install ${missing.join(' ')})`);
  it.skipIf(NO_POSIX_SHELL).each(HOSTILE)('%j comes back unchanged', (value) => {
    expect(shells.length).toBeGreaterThan(0);
    for (const shell of shells) {
      const result = spawnSync(shell, ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });
      expect({ shell, out: result.stdout }).toEqual({ shell, out: value });
    }
  });
});

describe('PowerShell quoting (about_Quoting_Rules)', () => {
  it.each<[string, string]>([
    ["it's", "'it''s'"],
    ['‘curly’ and ‚low‛', "'‘‘curly’’ and ‚‚low‛‛'"],
    ['$env:HOME $(id) ${x}', "'$env:HOME $(id) ${x}'"],
    ['`n backtick', "'`n backtick'"],
    ['"double" “curly”', `'"double" “curly”'`],
    ['@user.json', "'@user.json'"],
    ['a,b', "'a,b'"],
    ['-x', "'-x'"],
    ['%PATH% ^&|<>()', "'%PATH% ^&|<>()'"],
    ['new\nline', "'new\nline'"],
    ['ünï 😀', "'ünï 😀'"],
    ['', "''"],
    ['https://api.example/ext', 'https://api.example/ext'],
    ['Accept:', 'Accept:'],
  ])('%j is written %s', (value, quoted) => {
    expect(powershellQuote(value)).toBe(quoted);
  });
});

/** cmd.exe on an interactive line, then the MSVC runtime: the words a program such as curl.exe gets. */
function cmdThenMsvc(line: string, env: Record<string, string>): string[] {
  // Phase 1: %NAME% expands when defined; otherwise `%NAME` stays and the scan resumes at the second %.
  let expanded = '';
  for (let i = 0; i < line.length; i++) {
    const close = line[i] === '%' ? line.indexOf('%', i + 1) : -1;
    const name = close === -1 ? '' : line.slice(i + 1, close);
    if (close !== -1 && name !== '' && env[name] !== undefined) {
      expanded += env[name];
      i = close;
    } else expanded += line[i];
  }
  // Phase 2: outside quotes a caret makes the next character literal (and goes); quotes toggle and stay.
  let passed = '';
  let quoted = false;
  for (let i = 0; i < expanded.length; i++) {
    const char = expanded[i] as string;
    if (!quoted && char === '^') passed += expanded[++i] ?? '';
    else {
      if (!quoted && '&|<>'.includes(char)) throw new Error(`cmd would act on ${char} in ${line}`);
      if (char === '"') quoted = !quoted;
      passed += char;
    }
  }
  // CommandLineToArgvW.
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let inQuotes = false;
  for (let i = 0; i < passed.length; i++) {
    let backslashes = 0;
    while (passed[i] === '\\') backslashes++, i++;
    const char = passed[i];
    if (char === '"') {
      word += '\\'.repeat(Math.floor(backslashes / 2));
      inWord = true;
      if (backslashes % 2) word += '"';
      else inQuotes = !inQuotes;
      continue;
    }
    word += '\\'.repeat(backslashes);
    if (backslashes) inWord = true;
    if (char === undefined) break;
    if ((char === ' ' || char === '\t') && !inQuotes) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

describe('cmd.exe quoting (carets over the MSVC rules)', () => {
  it.each<[string, string]>([
    ['plain', 'plain'],
    ['a b', '^"a b^"'],
    ['a"b', '^"a\\^"b^"'],
    ['a\\"b', '^"a\\\\\\^"b^"'],
    ['C:\\dir\\', '^"C:\\dir\\\\^"'],
    ['%PATH%', '^"^%PATH^%^"'],
    ['^&|<>()!', '^"^^^&^|^<^>^(^)^!^"'],
    ['ünï 😀', '^"ünï 😀^"'],
    ['', '^"^"'],
  ])('%j is written %s', (value, quoted) => {
    expect(cmdQuote(value)).toBe(quoted);
  });

  const env = { PATH: 'C:\\Windows', HOME: 'C:\\Users\\me', 'b^': 'never' };
  it.each(HOSTILE.filter((value) => !value.includes('\n')))('%j reaches the program unchanged, whatever the environment holds', (value) => {
    expect(cmdThenMsvc(`curl.exe --data ${cmdQuote(value)}`, env)).toEqual(['curl.exe', '--data', value]);
  });

  it('refuses a line break, which cmd cannot pass', () => {
    expect(() => cmdQuote('new\nline')).toThrow('a value with a line break cannot be written for cmd.exe');
  });

  it('MSVC quoting alone doubles only the backslashes before a quote', () => {
    expect(msvcQuote('a\\b\\"c\\')).toBe('"a\\b\\\\\\"c\\\\"');
  });
});

describe('the default dialect', () => {
  it.each<[string, NodeJS.Platform, Record<string, string>, string]>([
    ['sh off Windows', 'linux', {}, 'sh'],
    ['sh on macOS', 'darwin', { PSModulePath: 'x' }, 'sh'],
    ['PowerShell: the user module folder is on PSModulePath', 'win32',
      { USERPROFILE: 'C:\\Users\\me', PSModulePath: 'C:\\Users\\me\\Documents\\WindowsPowerShell\\Modules;C:\\Program Files\\WindowsPowerShell\\Modules;C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules' }, 'powershell'],
    ['cmd: only the system module folders', 'win32',
      { USERPROFILE: 'C:\\Users\\me', PSModulePath: 'C:\\Program Files\\WindowsPowerShell\\Modules;C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules' }, 'cmd'],
    ['sh in Git Bash', 'win32', { USERPROFILE: 'C:\\Users\\me', MSYSTEM: 'MINGW64', PSModulePath: 'C:\\Users\\me\\Documents\\WindowsPowerShell\\Modules' }, 'sh'],
  ])('%s', (_name, platform, env, dialect) => {
    expect(defaultDialect(platform, env)).toBe(dialect);
  });
});
