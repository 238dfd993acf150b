// `oneoffice methods`: every method with its one-line description; `--json` for scripts.
import type { Context } from '../context.js';
import { summaryOf } from '../../api/schema/registry.js';
import { ValidationError } from '../../api/errors.js';
import { parseCallArgs, unknownOption } from '../../options/args.js';
import { METHODS_OPTIONS } from '../../options/commands.js';

export { METHODS_OPTIONS };

export function methodsCommand(ctx: Context, argv: readonly string[] = []): number {
  const parsed = parseCallArgs(argv, METHODS_OPTIONS, []);
  const problems = [
    ...parsed.problems,
    ...parsed.params.map((token) => unknownOption(token.flag, METHODS_OPTIONS)),
    ...parsed.positionals.map((arg) => `unexpected argument ${JSON.stringify(arg)}`),
  ];
  if (problems.length) throw new ValidationError(problems);
  const registry = ctx.registry();
  const names = registry.names();
  if (parsed.options['json'] === true) {
    const list = names.map((name) => {
      const method = registry.get(name);
      return { name, summary: method ? summaryOf(method.schema) : '', idempotent: method?.schema['x-idempotent'] === true, source: method?.source ?? 'builtin' };
    });
    ctx.deps.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...names.map((name) => name.length));
  const lines = names.map((name) => {
    const method = registry.get(name);
    const origin = method && method.source !== 'builtin' ? `  [${method.source}]` : '';
    return `${name.padEnd(width)}  ${method ? summaryOf(method.schema) : ''}${origin}`;
  });
  ctx.deps.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
