// The grammar of method commands, rule by rule (src/options/args.ts): which words are values, which
// are flags, what a missing or stray value says, and that a secret-looking word is never quoted
// back. Each rule is pinned on its own so that breaking one fails a test that names it.
import { describe, expect, it } from 'vitest';
import {
  CALL_OPTIONS,
  commanderFlags,
  commanderProblem,
  looksLikeOption,
  parseCallArgs,
  scanGlobalOptions,
  unknownOption,
  type OptionSpec,
} from '../../src/options/args.js';
import { paramFlags } from '../../src/api/schema/flags.js';
import { builtinSchemas } from '../../src/generated/builtin.js';

const customer = paramFlags(builtinSchemas['createCustomer']!);
const update = paramFlags(builtinSchemas['updateUserByEmail']!);

/** What a parse gives, with each param as flag, path and raw text (and whether the schema knows it). */
function parse(argv: string[], flags = customer, specs: readonly OptionSpec[] = CALL_OPTIONS) {
  const parsed = parseCallArgs(argv, specs, flags);
  return { ...parsed, params: parsed.params.map((token) => ({ flag: token.flag, path: token.path, raw: token.raw, known: token.known?.flag })) };
}

describe('call options', () => {
  it('-v counts one, -vv two, and repeats add up across forms', () => {
    expect(parse(['-v']).options).toEqual({ verbose: 1 });
    expect(parse(['-vv']).options).toEqual({ verbose: 2 });
    expect(parse(['-v', '--verbose', '-vvv']).options).toEqual({ verbose: 5 });
  });

  it('a doubled short switch that does not count is an unknown option, not a count', () => {
    expect(parse(['-kk'])).toMatchObject({ options: {}, problems: ['unknown option -kk'] });
  });

  it('only a short letter repeated and nothing else counts: -vvx and --vv do not', () => {
    expect(parse(['-vvx'])).toMatchObject({ options: {}, problems: ['unknown option -vvx'] });
    expect(parse(['--vv'])).toMatchObject({ options: {}, params: [{ flag: '--vv', path: ['vv'], raw: true, known: undefined }] });
  });

  it('--verbose=2 is refused (a count takes no value) and still counts once', () => {
    expect(parse(['--verbose=2'])).toMatchObject({ options: { verbose: 1 }, problems: ['--verbose takes no value'] });
  });

  it('--curl alone is a switch, --curl=cmd names the shell, and the next word is not taken as its value', () => {
    expect(parse(['--curl'])).toMatchObject({ options: { curl: true }, positionals: [], problems: [] });
    expect(parse(['--curl=cmd']).options).toEqual({ curl: 'cmd' });
    expect(parse(['--curl', 'powershell'])).toMatchObject({ options: { curl: true }, positionals: ['powershell'] });
  });

  it('a value option at the end of the line names the value it needs', () => {
    expect(parse(['--url']).problems).toEqual(['--url: needs a value (url)']);
    expect(parse(['--id', 'A', '-H']).problems).toEqual(['--header: needs a value (name: value)']);
  });

  it('an option without a value name says it needs a "value"', () => {
    const specs: OptionSpec[] = [{ long: '--tag', takes: 'value', description: 'a tag' }];
    expect(parse(['--tag'], customer, specs).problems).toEqual(['--tag: needs a value (value)']);
  });

  it('a short option takes the next word as its value, and a list keeps every value in order', () => {
    expect(parse(['-H', 'A: 1', '--header=B: 2', '-H', 'C: 3']).options).toEqual({ header: ['A: 1', 'B: 2', 'C: 3'] });
    expect(parse(['-w', '%{http_code}']).options).toEqual({ 'write-out': '%{http_code}' });
  });

  it('a single-value option given twice keeps the last value', () => {
    expect(parse(['--url', 'http://a', '--url=http://b']).options).toEqual({ url: 'http://b' });
  });

  it('an = inside a short option is part of its name: -H=x is not -H', () => {
    expect(parse(['-H=A: 1']).problems).toEqual(['unknown option -H=A: 1']);
  });

  it('an unknown option gets a suggestion from the options at hand, or the text given', () => {
    expect(unknownOption('--max-tme', CALL_OPTIONS)).toBe('unknown option --max-tme (did you mean --max-time?)');
    expect(unknownOption('--zzzzzzzz', CALL_OPTIONS, ' (see --help)')).toBe('unknown option --zzzzzzzz (see --help)');
    expect(unknownOption('--zzzzzzzz', CALL_OPTIONS)).toBe('unknown option --zzzzzzzz');
    expect(parse(['-x']).problems).toEqual(['unknown option -x']);
  });

  it('words before and after -- are operands, and - (stdin) is an operand too', () => {
    expect(parse(['a', '-', '--', '--id', '-v']).positionals).toEqual(['a', '-', '--id', '-v']);
    expect(parse(['--']).positionals).toEqual([]);
  });
});

describe('a value option followed by a flag', () => {
  it('names a following known option, param flag, negated boolean, short option or -vv, and reads that flag', () => {
    for (const [argv, flags, follower] of [
      [['--url', '--dry-run'], customer, '--dry-run'],
      [['--url', '--name=Acme'], customer, '--name'],
      [['--url', '-k'], customer, '-k'],
      [['--url', '-vv'], customer, '-vv'],
      [['--url', '-vvv'], customer, '-vvv'],
      [['--url', '--admin.email', 'a@b.co'], customer, '--admin.email'],
      [['--url', '--no-is-active'], update, '--no-is-active'],
    ] as const) {
      const parsed = parse([...argv], flags);
      expect(parsed.problems).toEqual([`--url: needs a value, but the flag ${follower} follows it (to pass a value that starts with "-" on purpose, write --url=${follower})`]);
      expect(parsed.options['url']).toBeUndefined();
    }
    expect(parse(['--url', '-vv']).options).toEqual({ verbose: 2 });
    expect(parse(['--url', '--no-is-active'], update).params).toEqual([{ flag: '--no-is-active', path: ['isActive'], raw: 'false', known: '--is-active' }]);
  });

  it('never quotes an unknown word that starts with "-" (it may be a secret), and skips it', () => {
    const parsed = parse(['--bearer', '-s3cr3t-token', '--id', 'A']);
    expect(parsed.problems).toEqual(['--bearer: needs a value, but what follows it starts with "-" (to pass a value that starts with "-" on purpose, write --bearer=<value>)']);
    expect(JSON.stringify(parsed)).not.toContain('s3cr3t');
    expect(parsed.params).toEqual([{ flag: '--id', path: ['id'], raw: 'A', known: '--id' }]);
    expect(parsed.positionals).toEqual([]);
  });

  it('a word that only looks like a repeated short switch is not named either', () => {
    for (const word of ['-vvx', '--vv', '-v-v']) {
      expect(parse(['--url', word]).problems).toEqual(['--url: needs a value, but what follows it starts with "-" (to pass a value that starts with "-" on purpose, write --url=<value>)']);
    }
  });

  it('an unknown --no- flag is not taken for a negated boolean', () => {
    expect(parse(['--url', '--no-such'], update).problems).toEqual(['--url: needs a value, but what follows it starts with "-" (to pass a value that starts with "-" on purpose, write --url=<value>)']);
  });

  it('a param flag followed by a flag marks its path as unreadable, so it is not also reported missing', () => {
    const parsed = parse(['--admin.email', '--dry-run', '--name', '--x-secret']);
    expect(parsed.problemPaths).toEqual(['admin.email', 'name']);
    expect(parsed.problems).toEqual([
      '--admin.email: needs a value, but the flag --dry-run follows it (to pass a value that starts with "-" on purpose, write --admin.email=--dry-run)',
      '--name: needs a value, but what follows it starts with "-" (to pass a value that starts with "-" on purpose, write --name=<value>)',
    ]);
    expect(parsed.options).toEqual({ 'dry-run': true });
    expect(parsed.params).toEqual([]);
  });

  it('a param flag at the end of the line needs a value and marks its path', () => {
    expect(parse(['--admin.email'])).toMatchObject({ problems: ['--admin.email: needs a value'], problemPaths: ['admin.email'], params: [] });
  });

  it('a number and - are values, not flags', () => {
    expect(parse(['--id', '-5', '--name', '-']).params.map((token) => token.raw)).toEqual(['-5', '-']);
    expect(parse(['--url', '-1'])).toMatchObject({ options: { url: '-1' }, problems: [] });
  });
});

describe('boolean params', () => {
  it('take the next word as their value unless it is a flag', () => {
    expect(parse(['--is-active', 'maybe'], update).params).toEqual([{ flag: '--is-active', path: ['isActive'], raw: 'maybe', known: '--is-active' }]);
    expect(parse(['--is-active', '--dry-run'], update)).toMatchObject({ params: [{ flag: '--is-active', raw: true }], options: { 'dry-run': true } });
    expect(parse(['--is-active'], update).params).toEqual([{ flag: '--is-active', path: ['isActive'], raw: true, known: '--is-active' }]);
    expect(parse(['--is-active=off'], update).params[0]?.raw).toBe('off');
    expect(parse(['--is-active', '-5'], update).params[0]?.raw).toBe('-5');
  });

  it('--no-<flag> is false and takes no value', () => {
    expect(parse(['--no-is-active', 'x'], update)).toMatchObject({ params: [{ flag: '--no-is-active', path: ['isActive'], raw: 'false' }], positionals: ['x'], problems: [] });
    expect(parse(['--no-is-active=1'], update)).toMatchObject({ params: [{ raw: 'false' }], problems: ['--no-is-active takes no value'] });
  });

  it('only a flag that starts with --no- negates: --xyzis-active is a param of its own', () => {
    expect(parse(['--xyzis-active'], update).params).toEqual([{ flag: '--xyzis-active', path: ['xyzisActive'], raw: true, known: undefined }]);
  });

  it('--no-<flag> of a param that is not boolean is a param of its own name', () => {
    expect(parse(['--no-name', 'x']).params).toEqual([{ flag: '--no-name', path: ['noName'], raw: 'x', known: undefined }]);
  });
});

describe('params the schema does not know', () => {
  it('keep their dotted, camel-cased path, and take the next word unless it is a flag', () => {
    expect(parse(['--extra.display-name', 'Ann', '--flag-only', '--id', 'A', '--last']).params).toEqual([
      { flag: '--extra.display-name', path: ['extra', 'displayName'], raw: 'Ann', known: undefined },
      { flag: '--flag-only', path: ['flagOnly'], raw: true, known: undefined },
      { flag: '--id', path: ['id'], raw: 'A', known: '--id' },
      { flag: '--last', path: ['last'], raw: true, known: undefined },
    ]);
    expect(parse(['--extra=-1']).params).toEqual([{ flag: '--extra', path: ['extra'], raw: '-1', known: undefined }]);
  });
});

describe('looksLikeOption', () => {
  it.each([['--', true], ['--x', true], ['-v', true], ['-_', true], ['--_a', true], ['-', false], ['-5', false], ['--5', false], ['x--y', false], ['', false]])('%j -> %s', (token, flag) => {
    expect(looksLikeOption(token)).toBe(flag);
  });
});

describe('scanGlobalOptions', () => {
  it('reads each global option in both forms, wherever it stands', () => {
    expect(scanGlobalOptions(['x', '--config', '/c', '--profile=p', '--schemas', '/s', '--no-color'])).toEqual({ config: '/c', profile: 'p', schemas: '/s', debug: false, noColor: true });
    expect(scanGlobalOptions(['--config=/c=1', '--debug'])).toEqual({ config: '/c=1', debug: true, noColor: false });
  });

  it('a global option last on the line, with no value, is not read', () => {
    expect(scanGlobalOptions(['--profile'])).toStrictEqual({ debug: false, noColor: false });
    expect(scanGlobalOptions(['--debug', '--config'])).toStrictEqual({ debug: true, noColor: false });
  });

  it('the value of a global option is not read as an option itself', () => {
    expect(scanGlobalOptions(['--profile', '--debug'])).toEqual({ profile: '--debug', debug: false, noColor: false });
  });

  it('nothing after -- counts', () => {
    expect(scanGlobalOptions(['--', '--debug', '--config', '/c'])).toStrictEqual({ debug: false, noColor: false });
  });

  it('only the exact names count', () => {
    expect(scanGlobalOptions(['--debugx', '--no-colors', '--configx', 'c', '--profiles=p', 'x--config=y', 'x--debug'])).toStrictEqual({ debug: false, noColor: false });
  });
});

describe('commander in our words', () => {
  it('an unknown option is one line, unquoted, with its suggestion', () => {
    expect(commanderProblem("error: unknown option '--prot'\n(Did you mean --port?)\n")).toBe('unknown option --prot (did you mean --port?)');
    expect(commanderProblem("error: unknown option '--prot'\n(Did you mean --port?)")).toBe('unknown option --prot (did you mean --port?)');
    expect(commanderProblem("error: unknown option '--zz'\n")).toBe('unknown option --zz');
    expect(commanderProblem("error: option '--port <port>' argument missing")).toBe("option '--port <port>' argument missing");
  });

  it('drops only the leading "error: "', () => {
    expect(commanderProblem("error: option '--x' says error: no")).toBe("option '--x' says error: no");
    expect(commanderProblem('option says error: no')).toBe('option says error: no');
  });

  it('declares each kind of option as commander reads it', () => {
    expect(commanderFlags({ long: '--header', short: '-H', takes: 'list', valueName: 'name: value', description: '' })).toBe('-H, --header <name: value>');
    expect(commanderFlags({ long: '--url', takes: 'value', valueName: 'url', description: '' })).toBe('--url <url>');
    expect(commanderFlags({ long: '--tag', takes: 'value', description: '' })).toBe('--tag <value>');
    expect(commanderFlags({ long: '--tags', takes: 'list', description: '' })).toBe('--tags <value>');
    expect(commanderFlags({ long: '--curl', takes: 'optional', valueName: 'sh', description: '' })).toBe('--curl [sh]');
    expect(commanderFlags({ long: '--shape', takes: 'optional', description: '' })).toBe('--shape [value]');
    expect(commanderFlags({ long: '--quiet', takes: 'none', description: '' })).toBe('--quiet');
    expect(commanderFlags({ long: '--verbose', short: '-v', takes: 'count', description: '' })).toBe('-v, --verbose');
  });
});
