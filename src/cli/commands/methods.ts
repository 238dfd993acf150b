// `oneoffice methods`: every method with its one-line description.
import type { Context } from '../context.js';
import { summaryOf } from '../../api/schema/registry.js';

export function methodsCommand(ctx: Context): number {
  const registry = ctx.registry();
  const names = registry.names();
  const width = Math.max(...names.map((name) => name.length));
  const lines = names.map((name) => {
    const method = registry.get(name);
    const origin = method && method.source !== 'builtin' ? `  [${method.source}]` : '';
    return `${name.padEnd(width)}  ${method ? summaryOf(method.schema) : ''}${origin}`;
  });
  ctx.deps.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
