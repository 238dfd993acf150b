// query.ts evaluates plain paths (a.b.c) itself and loads the JMESPath library only for other
// queries: its answers must be the library's, on every shape of data.
import { compile, TreeInterpreter, type JSONValue } from '@jmespath-community/jmespath';
import { describe, expect, it, vi } from 'vitest';
import { compileQuery, prepareQueries } from '../../src/api/query.js';

const DATA: unknown[] = [
  null,
  true,
  0,
  'text',
  [],
  [{ email: 'x' }],
  {},
  { email: 'a@example.com' },
  { email: null },
  { email: false },
  { email: 0 },
  { email: '' },
  { admin: { email: 'b@example.com' } },
  { admin: [{ email: 'c@example.com' }] },
  { admin: { email: { deep: [1, 2] } } },
  { admin: null },
  { admin: 'not an object' },
  JSON.parse('{"__proto__": {"email": "own"}, "constructor": 1}'),
  { toString: 'own' },
];
const PATHS = ['email', 'admin.email', 'admin.email.deep', '_x9', 'Email', 'admin'];
/** Names every object inherits: the library reads them off Object.prototype (a function, the prototype); we read own fields only. */
const INHERITED = ['__proto__', '__proto__.email', 'constructor', 'toString', 'hasOwnProperty'];

describe('queries', () => {
  it.each(PATHS)('plain path %s gives what the JMESPath library gives, on every shape of data', (path) => {
    const ours = compileQuery(path);
    expect(ours.ok).toBe(true);
    const ast = compile(path);
    for (const data of DATA) {
      expect({ data, value: ours.ok ? ours.run(data) : 'not ok' }).toEqual({ data, value: TreeInterpreter.search(ast, data as JSONValue) });
    }
  });

  it.each(INHERITED)('plain path %s reads only a field the answer itself has, never what objects inherit', (path) => {
    const ours = compileQuery(path);
    if (!ours.ok) throw new Error(ours.problem);
    expect(ours.run({})).toBeNull();
    expect(ours.run({ admin: 1 })).toBeNull();
    const own = JSON.parse('{"__proto__": {"email": "own"}, "constructor": 1, "toString": "own", "hasOwnProperty": 2}');
    expect(ours.run(own)).toEqual({ '__proto__': { email: 'own' }, '__proto__.email': 'own', constructor: 1, toString: 'own', hasOwnProperty: 2 }[path]);
  });

  it('loads the library for other queries: filters, projections, functions, quoted names', async () => {
    // A fresh copy of the module: test files share modules (vitest.config.ts), and another file's
    // --query may have loaded the library already.
    vi.resetModules();
    const fresh = await import('../../src/api/query.js');
    expect(() => fresh.compileQuery('length(items)')).toThrow(/before prepareQueries/);
    await fresh.prepareQueries(['email', 'length(items)']);
    await prepareQueries(['length(items)']);
    const data = { items: [{ id: 1, ok: true }, { id: 2, ok: false }], 'odd-name': 'yes' };
    const run = (expression: string) => {
      const compiled = compileQuery(expression);
      return compiled.ok ? compiled.run(data) : compiled.problem;
    };
    expect(run('length(items)')).toBe(2);
    expect(run('items[?ok].id')).toEqual([1]);
    expect(run('items[*].id')).toEqual([1, 2]);
    expect(run('"odd-name"')).toBe('yes');
    expect(run('items[')).toMatch(/^not a valid JMESPath query: /);
    // Quoted names go to the library too: never what objects inherit, only what the answer has.
    expect([run('"constructor"'), run('"__proto__"'), run('items[0]."toString"'), run('items[0]."hasOwnProperty"')]).toEqual([null, null, null, null]);
    const own = compileQuery('"__proto__".email');
    expect(own.ok && own.run(JSON.parse('{"__proto__": {"email": "own"}}'))).toBe('own');
    expect(run(' ')).toBe('empty query');
  });
});
