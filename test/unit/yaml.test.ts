// yaml.ts: scenario YAML read with js-yaml's event parser, values and the line of every node and key.
import { describe, expect, it } from 'vitest';
import { readYaml, type YamlNode } from '../../src/scenario/yaml.js';

function ok(text: string): { value: unknown; root: YamlNode | undefined } {
  const read = readYaml(text);
  if (!read.ok) throw new Error(`expected valid YAML, got line ${read.line}: ${read.reason}`);
  return read;
}

/** Every key with its line, as "path@line", depth first. */
function keyLines(node: YamlNode | undefined, path = ''): string[] {
  if (node?.kind === 'mapping') return node.entries.flatMap(({ key, keyLine, value }) => [`${path}${key}@${keyLine}`, ...keyLines(value, `${path}${key}.`)]);
  if (node?.kind === 'sequence') return node.items.flatMap((item, i) => [`${path}${i}@${item.line}`, ...keyLines(item, `${path}${i}.`)]);
  return [];
}

describe('readYaml', () => {
  it('gives the line of every key and item, in block and flow style, comments and blank lines included', () => {
    const read = ok(`# a scenario
name: lines

steps:
  - call: createUser   # first
    params: { email: "a@example.com", admin: { email: x } }
  -
    call: getUserByEmail
    expect:
      body:
        email: [1,
          2]
`);
    expect(keyLines(read.root)).toEqual([
      'name@2',
      'steps@4',
      'steps.0@5',
      'steps.0.call@5',
      'steps.0.params@6',
      'steps.0.params.email@6',
      'steps.0.params.admin@6',
      'steps.0.params.admin.email@6',
      'steps.1@8',
      'steps.1.call@8',
      'steps.1.expect@9',
      'steps.1.expect.body@10',
      'steps.1.expect.body.email@11',
      'steps.1.expect.body.email.0@11',
      'steps.1.expect.body.email.1@12',
    ]);
    expect(read.value).toEqual({ name: 'lines', steps: [{ call: 'createUser', params: { email: 'a@example.com', admin: { email: 'x' } } }, { call: 'getUserByEmail', expect: { body: { email: [1, 2] } } }] });
  });

  it('reads YAML 1.2 core: on, yes and dates stay strings; numbers, booleans and null are typed', () => {
    expect(ok('a: on\nb: yes\nc: 2024-01-01\nd: 0x1F\ne: 1.5\nf: true\ng: ~\nh:\n').value).toEqual({ a: 'on', b: 'yes', c: '2024-01-01', d: 31, e: 1.5, f: true, g: null, h: null });
  });

  it('names keys as the values have them: numbers, booleans and null read by the schema, quoted keys as written', () => {
    const read = ok('params:\n  0x10: a\n  1.0: b\n  True: c\n  ~: d\n  "0x10x": e\n  \'007\': f\n  -1: g\n');
    expect(keyLines(read.root)).toEqual(['params@1', 'params.16@2', 'params.1@3', 'params.true@4', 'params.null@5', 'params.0x10x@6', 'params.007@7', 'params.-1@8']);
    expect(Object.keys((read.value as { params: object }).params).sort()).toEqual(['-1', '007', '0x10x', '1', '16', 'null', 'true'].sort());
  });

  it('an empty file is no document; a value without a line of its own takes its key\'s line', () => {
    expect(readYaml('')).toEqual({ ok: true, value: null, root: undefined });
    expect(keyLines(ok('a:\nb: 1\n').root)).toEqual(['a@1', 'b@2']);
  });

  it('refuses a duplicate key, a second document and bad syntax, with the line', () => {
    expect(readYaml('a: 1\nb: 2\na: 3\n')).toEqual({ ok: false, line: 3, reason: 'duplicated mapping key' });
    expect(readYaml('a: 1\n---\nb: 2\n')).toEqual({ ok: false, line: 2, reason: 'more than one document (---): a file holds one' });
    expect(readYaml('---\na: 1\n---\nb: 2\n')).toEqual({ ok: false, line: 3, reason: 'more than one document (---): a file holds one' });
    expect(readYaml('steps:\n  - call: [1,\n')).toMatchObject({ ok: false, line: 3 });
  });

  it('never repeats text of the file in its reasons (alias and tag names)', () => {
    const alias = readYaml('password: *hunter2secret\n');
    expect(alias).toEqual({ ok: false, line: 1, reason: 'unidentified alias' });
    const tag = readYaml('x: !hunter2secret 1\n');
    expect(tag.ok).toBe(false);
    expect(JSON.stringify(tag)).not.toContain('hunter2');
  });

  it('expands aliases, but refuses a file that expands past the limit (billion laughs)', () => {
    expect(ok('base: &b { x: 1 }\nother: *b\n').value).toEqual({ base: { x: 1 }, other: { x: 1 } });
    const levels = ['a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]'];
    for (let i = 1; i < 9; i++) levels.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(10).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
    expect(readYaml(`${levels.join('\n')}\n`)).toEqual({ ok: false, line: 1, reason: 'more than 100000 values once its aliases (*name) are expanded' });
  });
});
